// The 3D coach (see coach3d.h): a small forward renderer with one shader (a key light, a fill,
// ambient and a rim), three meshes (sphere, cylinder, cube) and an offscreen framebuffer per view.
#define GL_GLEXT_PROTOTYPES 1
#include "coach3d.h"

#include <GL/gl.h>
#include <GL/glext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <glm/glm.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>

#include "ptcoach/analysis/synthetic.h"

namespace ptcoach::ui {

using namespace ptcoach::analysis;

namespace {

constexpr float kPi = 3.14159265f;

const char* kVertex = R"glsl(#version 330 core
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
uniform mat4 uModel;
uniform mat4 uViewProj;
uniform mat3 uNormal;
out vec3 vNormal;
out vec3 vWorld;
void main() {
    vec4 w = uModel * vec4(aPos, 1.0);
    vWorld = w.xyz;
    vNormal = normalize(uNormal * aNormal);
    gl_Position = uViewProj * w;
}
)glsl";

const char* kFragment = R"glsl(#version 330 core
in vec3 vNormal;
in vec3 vWorld;
uniform vec3 uColour;
uniform float uAlpha;
uniform vec3 uEye;
uniform float uShade;   // 1 for lit surfaces, 0 for flat ones (the shadow)
out vec4 fragColour;
void main() {
    vec3 n = normalize(vNormal);
    vec3 v = normalize(uEye - vWorld);
    if (dot(n, v) < 0.0) n = -n;
    vec3 key = normalize(vec3(0.45, 0.8, 0.55));
    vec3 fill = normalize(vec3(-0.6, 0.3, 0.4));
    float diff = max(dot(n, key), 0.0) * 0.75 + max(dot(n, fill), 0.0) * 0.25;
    vec3 h = normalize(key + v);
    float spec = pow(max(dot(n, h), 0.0), 40.0) * 0.25;
    float rim = pow(1.0 - max(dot(n, v), 0.0), 3.0) * 0.35;
    vec3 lit = uColour * (0.28 + diff) + vec3(spec + rim);
    fragColour = vec4(mix(uColour, lit, uShade), uAlpha);
}
)glsl";

struct Mesh {
    std::vector<float> vertices;  // x y z nx ny nz
    std::vector<unsigned> indices;
};

Mesh sphereMesh(int stacks, int slices) {
    Mesh m;
    for (int i = 0; i <= stacks; ++i) {
        float v = static_cast<float>(i) / stacks, phi = v * kPi;
        for (int j = 0; j <= slices; ++j) {
            float u = static_cast<float>(j) / slices, th = u * 2 * kPi;
            float x = std::sin(phi) * std::cos(th), y = std::cos(phi), z = std::sin(phi) * std::sin(th);
            m.vertices.insert(m.vertices.end(), {x, y, z, x, y, z});
        }
    }
    for (int i = 0; i < stacks; ++i)
        for (int j = 0; j < slices; ++j) {
            unsigned a = i * (slices + 1) + j, b = a + slices + 1;
            m.indices.insert(m.indices.end(), {a, b, a + 1, a + 1, b, b + 1});
        }
    return m;
}

Mesh cylinderMesh(int slices) {  // radius 1, y from 0 to 1, no caps
    Mesh m;
    for (int k = 0; k <= 1; ++k)
        for (int j = 0; j <= slices; ++j) {
            float th = static_cast<float>(j) / slices * 2 * kPi, x = std::cos(th), z = std::sin(th);
            m.vertices.insert(m.vertices.end(), {x, static_cast<float>(k), z, x, 0, z});
        }
    for (int j = 0; j < slices; ++j) {
        unsigned a = j, b = j + slices + 1;
        m.indices.insert(m.indices.end(), {a, b, a + 1, a + 1, b, b + 1});
    }
    return m;
}

Mesh cubeMesh() {  // [-0.5, 0.5]^3
    Mesh m;
    const float n[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int f = 0; f < 6; ++f) {
        glm::vec3 nn(n[f][0], n[f][1], n[f][2]);
        glm::vec3 a = std::abs(nn.y) > 0.5f ? glm::vec3(1, 0, 0) : glm::vec3(0, 1, 0);
        glm::vec3 b = glm::cross(nn, a);
        unsigned base = static_cast<unsigned>(m.vertices.size() / 6);
        for (int k = 0; k < 4; ++k) {
            float su = (k == 1 || k == 2) ? 0.5f : -0.5f, sv = k >= 2 ? 0.5f : -0.5f;
            glm::vec3 p = nn * 0.5f + a * su + b * sv;
            m.vertices.insert(m.vertices.end(), {p.x, p.y, p.z, nn.x, nn.y, nn.z});
        }
        m.indices.insert(m.indices.end(), {base, base + 1, base + 2, base, base + 2, base + 3});
    }
    return m;
}

unsigned compile(GLenum kind, const char* src, std::string& error) {
    GLuint s = glCreateShader(kind);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetShaderInfoLog(s, sizeof log - 1, nullptr, log);
        error = std::string(kind == GL_VERTEX_SHADER ? "the vertex" : "the fragment") + " shader did not compile: " + log;
        glDeleteShader(s);
        return 0;
    }
    return s;
}

glm::vec3 toRender(float x, float y, float z) { return {x, -y, -z}; }

// The rotation taking +Y to `dir` (unit).
glm::mat4 alignY(glm::vec3 dir) {
    glm::vec3 y(0, 1, 0);
    float c = glm::dot(y, dir);
    if (c > 0.9999f) return glm::mat4(1.0f);
    if (c < -0.9999f) return glm::rotate(glm::mat4(1.0f), kPi, glm::vec3(1, 0, 0));
    glm::vec3 axis = glm::normalize(glm::cross(y, dir));
    return glm::rotate(glm::mat4(1.0f), std::acos(std::clamp(c, -1.0f, 1.0f)), axis);
}

}  // namespace

Figure3D demoFigure(const ExerciseDefinition& ex, double tS, std::optional<BodySide> side) {
    Figure3D fig;
    BodyPose pose;
    if (ex.demo) pose = demoPoseAt(*ex.demo, tS);
    if (side == BodySide::Right) {
        std::swap(pose.hipFlex[0], pose.hipFlex[1]);
        std::swap(pose.kneeFlex[0], pose.kneeFlex[1]);
        std::swap(pose.ankleFlex[0], pose.ankleFlex[1]);
        std::swap(pose.shoulderFlex[0], pose.shoulderFlex[1]);
        std::swap(pose.elbowFlex[0], pose.elbowFlex[1]);
    }
    SyntheticCamera cam;
    cam.view = CameraView::Front;
    cam.world = true;
    LandmarkFrame f = synthesizeFrame(pose, cam, 0);
    for (int i = 0; i < kLandmarks; ++i) {
        const auto& w = (*f.world)[static_cast<size_t>(i)];
        fig.p[static_cast<size_t>(i)] = toRender(w.x, w.y, w.z);
        fig.visible[static_cast<size_t>(i)] = true;
    }
    fig.prop = ex.demo ? ex.demo->prop : "";
    fig.valid = true;
    return fig;
}

Figure3D personFigure(const LandmarkFrame& f) {
    Figure3D fig;
    if (!f.person || !f.world) return fig;
    int seen = 0;
    for (int i = 0; i < kLandmarks; ++i) {
        const auto& w = (*f.world)[static_cast<size_t>(i)];
        fig.p[static_cast<size_t>(i)] = toRender(w.x, w.y, w.z);
        bool v = f.points[static_cast<size_t>(i)].visibility >= 0.35f;
        fig.visible[static_cast<size_t>(i)] = v;
        seen += v && i >= 11;
    }
    using namespace lm;
    bool trunk = (fig.visible[LeftShoulder] || fig.visible[RightShoulder]) && (fig.visible[LeftHip] || fig.visible[RightHip]);
    fig.valid = trunk && seen >= 6;
    return fig;
}

float sideYaw(const Figure3D& fig) {
    using namespace lm;
    glm::vec3 l = (fig.p[LeftHip] - fig.p[RightHip]) + (fig.p[LeftShoulder] - fig.p[RightShoulder]);
    if (std::hypot(l.x, l.z) < 1e-4f) return 90.0f;
    return std::atan2(l.x, l.z) * 180.0f / kPi;
}

Coach3D::Coach3D() = default;

Coach3D::~Coach3D() {
    for (auto& [slot, t] : m_targets) release(t);
    if (m_ok) {
        glDeleteProgram(m_program);
        glDeleteVertexArrays(3, m_vao);
        glDeleteBuffers(3, m_vbo);
        glDeleteBuffers(3, m_ibo);
    }
}

bool Coach3D::available() {
    if (!m_tried) {
        m_tried = true;
        m_ok = init();
    }
    return m_ok;
}

bool Coach3D::init() {
    if (const char* off = std::getenv("PTCOACH_NO_3D"); off && *off && std::strcmp(off, "0") != 0) {
        m_error = "3D is turned off (PTCOACH_NO_3D)";
        return false;
    }
    GLint major = 0, minor = 0;
    glGetIntegerv(GL_MAJOR_VERSION, &major);
    glGetIntegerv(GL_MINOR_VERSION, &minor);
    if (major * 10 + minor < 33) {
        const char* v = reinterpret_cast<const char*>(glGetString(GL_VERSION));
        m_error = std::string("OpenGL 3.3 is needed; this driver offers ") + (v ? v : "an older version");
        return false;
    }
    GLuint vs = compile(GL_VERTEX_SHADER, kVertex, m_error);
    if (!vs) return false;
    GLuint fs = compile(GL_FRAGMENT_SHADER, kFragment, m_error);
    if (!fs) {
        glDeleteShader(vs);
        return false;
    }
    m_program = glCreateProgram();
    glAttachShader(m_program, vs);
    glAttachShader(m_program, fs);
    glLinkProgram(m_program);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint linked = 0;
    glGetProgramiv(m_program, GL_LINK_STATUS, &linked);
    if (!linked) {
        char log[1024] = {};
        glGetProgramInfoLog(m_program, sizeof log - 1, nullptr, log);
        m_error = std::string("the 3D shaders did not link: ") + log;
        glDeleteProgram(m_program);
        return false;
    }
    GLint prevVao = 0, prevBuf = 0;
    glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &prevVao);
    glGetIntegerv(GL_ARRAY_BUFFER_BINDING, &prevBuf);
    Mesh meshes[3] = {sphereMesh(14, 20), cylinderMesh(18), cubeMesh()};
    glGenVertexArrays(3, m_vao);
    glGenBuffers(3, m_vbo);
    glGenBuffers(3, m_ibo);
    for (int i = 0; i < 3; ++i) {
        glBindVertexArray(m_vao[i]);
        glBindBuffer(GL_ARRAY_BUFFER, m_vbo[i]);
        glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(meshes[i].vertices.size() * sizeof(float)),
                     meshes[i].vertices.data(), GL_STATIC_DRAW);
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, m_ibo[i]);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(meshes[i].indices.size() * sizeof(unsigned)),
                     meshes[i].indices.data(), GL_STATIC_DRAW);
        glEnableVertexAttribArray(0);
        glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), nullptr);
        glEnableVertexAttribArray(1);
        glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, 6 * sizeof(float), reinterpret_cast<void*>(3 * sizeof(float)));
        m_count[i] = static_cast<int>(meshes[i].indices.size());
    }
    glBindVertexArray(static_cast<GLuint>(prevVao));
    glBindBuffer(GL_ARRAY_BUFFER, static_cast<GLuint>(prevBuf));
    GLint maxSamples = 0;
    glGetIntegerv(GL_MAX_SAMPLES, &maxSamples);
    m_samples = std::min(4, static_cast<int>(maxSamples));
    // A software renderer (Mesa's llvmpipe, softpipe) pays for every sample on the CPU the pose model
    // needs: no multisampling there; the views are small enough to look smooth without it.
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    m_software = renderer && (std::strstr(renderer, "llvmpipe") || std::strstr(renderer, "softpipe") ||
                              std::strstr(renderer, "Software"));
    if (m_software) m_samples = 0;
    // One framebuffer to check that the driver takes what render() will ask for.
    Target probe;
    if (!ensureTarget(probe, 64, 64)) {
        release(probe);
        return false;
    }
    release(probe);
    if (GLenum e = glGetError(); e != GL_NO_ERROR) {
        m_error = "OpenGL reported error " + std::to_string(e) + " while setting up the 3D coach";
        return false;
    }
    return true;
}

void Coach3D::release(Target& t) {
    if (t.fbo) glDeleteFramebuffers(1, &t.fbo);
    if (t.msFbo) glDeleteFramebuffers(1, &t.msFbo);
    if (t.colour) glDeleteTextures(1, &t.colour);
    if (t.depth) glDeleteRenderbuffers(1, &t.depth);
    if (t.msColour) glDeleteRenderbuffers(1, &t.msColour);
    if (t.msDepth) glDeleteRenderbuffers(1, &t.msDepth);
    t = Target{};
}

bool Coach3D::ensureTarget(Target& t, int w, int h) {
    if (t.fbo && t.w == w && t.h == h) return true;
    release(t);
    GLint prevFbo = 0, prevTex = 0, prevRb = 0;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prevFbo);
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &prevTex);
    glGetIntegerv(GL_RENDERBUFFER_BINDING, &prevRb);
    t.w = w;
    t.h = h;
    glGenTextures(1, &t.colour);
    glBindTexture(GL_TEXTURE_2D, t.colour);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glGenFramebuffers(1, &t.fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, t.fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t.colour, 0);
    bool ok = true;
    if (m_samples > 1) {
        // Drawn multisampled, then resolved into the texture: smooth edges on any driver that has it.
        glGenRenderbuffers(1, &t.msColour);
        glBindRenderbuffer(GL_RENDERBUFFER, t.msColour);
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, m_samples, GL_RGBA8, w, h);
        glGenRenderbuffers(1, &t.msDepth);
        glBindRenderbuffer(GL_RENDERBUFFER, t.msDepth);
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, m_samples, GL_DEPTH_COMPONENT24, w, h);
        glGenFramebuffers(1, &t.msFbo);
        glBindFramebuffer(GL_FRAMEBUFFER, t.msFbo);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, t.msColour);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, t.msDepth);
        if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
            // No multisampling then: depth on the plain framebuffer.
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            glDeleteFramebuffers(1, &t.msFbo);
            glDeleteRenderbuffers(1, &t.msColour);
            glDeleteRenderbuffers(1, &t.msDepth);
            t.msFbo = t.msColour = t.msDepth = 0;
            m_samples = 0;
        }
    }
    if (!t.msFbo) {
        glBindFramebuffer(GL_FRAMEBUFFER, t.fbo);
        glGenRenderbuffers(1, &t.depth);
        glBindRenderbuffer(GL_RENDERBUFFER, t.depth);
        glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, w, h);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, t.depth);
    }
    glBindFramebuffer(GL_FRAMEBUFFER, t.fbo);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        m_error = "the driver refuses the 3D coach's offscreen framebuffer";
        ok = false;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(prevFbo));
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(prevTex));
    glBindRenderbuffer(GL_RENDERBUFFER, static_cast<GLuint>(prevRb));
    return ok;
}

unsigned Coach3D::render(int slot, const Figure3D& fig, int w, int h, float yawDeg, float pitchDeg,
                         const CoachColours& col, const std::array<bool, kLandmarks>* faulty) {
    if (!available() || w < 8 || h < 8) return 0;
    auto t0 = std::chrono::steady_clock::now();
    // Rendered at most kMaxPixels (scaled up when shown): a big view costs no more than a middling one.
    const double kMaxPixels = m_software ? 540.0 * 540.0 : 1024.0 * 1024.0;
    if (double px = double(w) * h; px > kMaxPixels) {
        double f = std::sqrt(kMaxPixels / px);
        w = std::max(8, static_cast<int>(w * f));
        h = std::max(8, static_cast<int>(h * f));
    }
    Target& t = m_targets[slot];
    if (!ensureTarget(t, w, h)) return 0;

    // Save what the rest of the frame relies on.
    GLint prevFbo = 0, prevProgram = 0, prevVao = 0, viewport[4];
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &prevFbo);
    glGetIntegerv(GL_CURRENT_PROGRAM, &prevProgram);
    glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &prevVao);
    glGetIntegerv(GL_VIEWPORT, viewport);
    GLboolean depth = glIsEnabled(GL_DEPTH_TEST), blend = glIsEnabled(GL_BLEND), cull = glIsEnabled(GL_CULL_FACE),
              scissor = glIsEnabled(GL_SCISSOR_TEST);

    glBindFramebuffer(GL_FRAMEBUFFER, t.msFbo ? t.msFbo : t.fbo);
    glViewport(0, 0, w, h);
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_CULL_FACE);
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glDepthMask(GL_TRUE);
    glClearColor(col.background.r, col.background.g, col.background.b, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    glUseProgram(m_program);

    using namespace lm;
    const auto& P = fig.p;
    // Where the figure is: the box around what is seen, the floor under its lowest point.
    glm::vec3 lo(1e9f), hi(-1e9f);
    for (int i = 0; i < kLandmarks; ++i)
        if (fig.visible[static_cast<size_t>(i)]) lo = glm::min(lo, P[static_cast<size_t>(i)]), hi = glm::max(hi, P[static_cast<size_t>(i)]);
    if (lo.x > hi.x) lo = glm::vec3(-0.5f), hi = glm::vec3(0.5f);
    float floorY = lo.y - 0.06f;
    glm::vec3 centre = (lo + hi) * 0.5f;
    centre.y = std::max(centre.y, floorY + 0.35f);
    float radius = std::max(0.55f, glm::length(hi - lo) * 0.5f + 0.12f);
    float aspect = static_cast<float>(w) / h, fov = 32.0f * kPi / 180.0f;
    float fit = radius / std::sin(fov * 0.5f) / std::min(1.0f, aspect) * 1.02f;
    float yaw = yawDeg * kPi / 180.0f, pitch = pitchDeg * kPi / 180.0f;
    glm::vec3 eye = centre + fit * glm::vec3(std::sin(yaw) * std::cos(pitch), std::sin(pitch), std::cos(yaw) * std::cos(pitch));
    glm::mat4 view = glm::lookAt(eye, centre, glm::vec3(0, 1, 0));
    glm::mat4 proj = glm::perspective(fov, aspect, 0.05f, fit * 4.0f);
    glm::mat4 vp = proj * view;
    glUniformMatrix4fv(glGetUniformLocation(m_program, "uViewProj"), 1, GL_FALSE, glm::value_ptr(vp));
    glUniform3fv(glGetUniformLocation(m_program, "uEye"), 1, glm::value_ptr(eye));
    GLint uModel = glGetUniformLocation(m_program, "uModel"), uNormal = glGetUniformLocation(m_program, "uNormal"),
          uColour = glGetUniformLocation(m_program, "uColour"), uAlpha = glGetUniformLocation(m_program, "uAlpha"),
          uShade = glGetUniformLocation(m_program, "uShade");

    auto draw = [&](int mesh, const glm::mat4& model, glm::vec3 colour, float alpha = 1.0f, float shade = 1.0f) {
        glm::mat3 nm = glm::transpose(glm::inverse(glm::mat3(model)));
        glUniformMatrix4fv(uModel, 1, GL_FALSE, glm::value_ptr(model));
        glUniformMatrix3fv(uNormal, 1, GL_FALSE, glm::value_ptr(nm));
        glUniform3fv(uColour, 1, glm::value_ptr(colour));
        glUniform1f(uAlpha, alpha);
        glUniform1f(uShade, shade);
        glBindVertexArray(m_vao[mesh]);
        glDrawElements(GL_TRIANGLES, m_count[mesh], GL_UNSIGNED_INT, nullptr);
    };
    auto sphere = [&](glm::vec3 c, glm::vec3 r, glm::vec3 colour, const glm::mat4& rot = glm::mat4(1.0f)) {
        draw(0, glm::translate(glm::mat4(1.0f), c) * rot * glm::scale(glm::mat4(1.0f), r), colour);
    };
    auto box = [&](glm::vec3 c, glm::vec3 size, glm::vec3 colour, const glm::mat4& rot = glm::mat4(1.0f)) {
        draw(2, glm::translate(glm::mat4(1.0f), c) * rot * glm::scale(glm::mat4(1.0f), size), colour);
    };
    auto isBad = [&](int i) { return faulty && (*faulty)[static_cast<size_t>(i)]; };
    auto limb = [&](int a, int b, float r, glm::vec3 colour) {
        if (!fig.visible[static_cast<size_t>(a)] || !fig.visible[static_cast<size_t>(b)]) return;
        glm::vec3 pa = P[static_cast<size_t>(a)], pb = P[static_cast<size_t>(b)], d = pb - pa;
        float len = glm::length(d);
        if (len < 1e-4f) return;
        glm::vec3 c = isBad(a) && isBad(b) ? col.highlight : colour;
        draw(1, glm::translate(glm::mat4(1.0f), pa) * alignY(d / len) * glm::scale(glm::mat4(1.0f), glm::vec3(r, len, r)), c);
        sphere(pa, glm::vec3(r), isBad(a) ? col.highlight : colour);
        sphere(pb, glm::vec3(r), isBad(b) ? col.highlight : colour);
    };

    // The floor and the figure's soft shadow.
    box(glm::vec3(centre.x, floorY - 0.01f, centre.z), glm::vec3(radius * 14.0f, 0.02f, radius * 14.0f), col.floor);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glDepthMask(GL_FALSE);
    glm::vec3 extent = hi - lo;
    draw(0, glm::translate(glm::mat4(1.0f), glm::vec3(centre.x, floorY + 0.002f, centre.z)) *
                glm::scale(glm::mat4(1.0f), glm::vec3(std::max(0.25f, extent.x * 0.6f), 0.001f, std::max(0.25f, extent.z * 0.6f))),
         glm::vec3(0.0f), 0.35f, 0.0f);
    glDepthMask(GL_TRUE);
    glDisable(GL_BLEND);

    // Props.
    glm::vec3 hipC = (P[LeftHip] + P[RightHip]) * 0.5f, shC = (P[LeftShoulder] + P[RightShoulder]) * 0.5f;
    glm::vec3 lateral = (P[LeftHip] - P[RightHip]) + (P[LeftShoulder] - P[RightShoulder]);
    lateral.y = 0;
    if (glm::length(lateral) < 1e-4f) lateral = glm::vec3(1, 0, 0);
    lateral = glm::normalize(lateral);
    glm::vec3 forward = glm::normalize(glm::cross(lateral, glm::vec3(0, 1, 0)));
    if (glm::dot(forward, P[Nose] - (P[LeftEar] + P[RightEar]) * 0.5f) < 0) forward = -forward;
    float bodyYaw = std::atan2(forward.x, forward.z);
    glm::mat4 bodyRot = glm::rotate(glm::mat4(1.0f), bodyYaw, glm::vec3(0, 1, 0));
    const glm::vec3 wood(0.55f, 0.40f, 0.28f), mat(0.20f, 0.50f, 0.48f);
    if (fig.prop == "mat") {
        glm::vec3 along = glm::vec3(extent.x, 0, extent.z);
        float len = std::max(1.2f, glm::length(along) + 0.4f);
        float matYaw = glm::length(along) > 0.3f ? std::atan2(along.x, along.z) : bodyYaw;
        box(glm::vec3(centre.x, floorY + 0.008f, centre.z), glm::vec3(0.7f, 0.016f, len), mat,
            glm::rotate(glm::mat4(1.0f), matYaw, glm::vec3(0, 1, 0)));
    } else if (fig.prop == "chair") {
        float seat = std::max(floorY + 0.3f, hipC.y - 0.1f);
        glm::vec3 c(hipC.x - forward.x * 0.05f, seat, hipC.z - forward.z * 0.05f);
        box(c, glm::vec3(0.45f, 0.05f, 0.45f), wood, bodyRot);
        box(c - forward * 0.22f + glm::vec3(0, 0.25f, 0), glm::vec3(0.45f, 0.5f, 0.04f), wood, bodyRot);
        for (float sx : {-0.19f, 0.19f})
            for (float sz : {-0.19f, 0.19f}) {
                glm::vec3 leg = c + lateral * sx + forward * sz;
                leg.y = (seat + floorY) * 0.5f;
                box(leg, glm::vec3(0.04f, seat - floorY, 0.04f), wood, bodyRot);
            }
    } else if (fig.prop == "wall") {
        glm::vec3 back = glm::min(hipC, shC);
        back = (hipC + shC) * 0.5f - forward * 0.16f;
        back.y = floorY + 1.1f;
        box(back - forward * 0.03f, glm::vec3(1.6f, 2.2f, 0.05f), glm::vec3(0.36f, 0.40f, 0.48f), bodyRot);
    }

    // The figure: legs, trunk, arms, head.
    for (int s = 0; s < 2; ++s) {
        limb(LeftHip + s, LeftKnee + s, 0.075f, col.trousers);
        limb(LeftKnee + s, LeftAnkle + s, 0.058f, col.trousers);
        limb(LeftHeel + s, LeftFootIndex + s, 0.04f, glm::vec3(0.25f));
        limb(LeftAnkle + s, LeftHeel + s, 0.045f, glm::vec3(0.25f));
    }
    bool trunkSeen = (fig.visible[LeftShoulder] || fig.visible[RightShoulder]) && (fig.visible[LeftHip] || fig.visible[RightHip]);
    if (trunkSeen) {
        glm::vec3 up = shC - hipC;
        float len = glm::length(up);
        if (len > 1e-3f) {
            glm::vec3 yAxis = up / len;
            glm::vec3 xAxis = P[LeftShoulder] - P[RightShoulder] + P[LeftHip] - P[RightHip];
            xAxis -= yAxis * glm::dot(xAxis, yAxis);
            if (glm::length(xAxis) < 1e-4f) xAxis = glm::vec3(1, 0, 0);
            xAxis = glm::normalize(xAxis);
            glm::vec3 zAxis = glm::cross(xAxis, yAxis);
            glm::mat4 rot(glm::vec4(xAxis, 0), glm::vec4(yAxis, 0), glm::vec4(zAxis, 0), glm::vec4(0, 0, 0, 1));
            float shoulderHalf = std::max(0.12f, glm::length(P[LeftShoulder] - P[RightShoulder]) * 0.5f);
            sphere(hipC + up * 0.55f, glm::vec3(shoulderHalf * 0.95f, len * 0.55f, 0.12f), col.shirt, rot);
            sphere(hipC + up * 0.08f, glm::vec3(0.16f, 0.12f, 0.11f), col.trousers, rot);
        }
        limb(LeftShoulder, RightShoulder, 0.06f, col.shirt);
        limb(LeftHip, RightHip, 0.07f, col.trousers);
    }
    for (int s = 0; s < 2; ++s) {
        limb(LeftShoulder + s, LeftElbow + s, 0.048f, col.shirt);
        limb(LeftElbow + s, LeftWrist + s, 0.04f, col.skin);
        if (fig.visible[static_cast<size_t>(LeftWrist + s)]) {
            glm::vec3 hand = P[static_cast<size_t>(LeftWrist + s)] * 0.6f + P[static_cast<size_t>(19 + s)] * 0.4f;
            sphere(hand, glm::vec3(0.05f), col.skin);
            if (fig.prop == "weights") {
                glm::vec3 wr = P[static_cast<size_t>(LeftWrist + s)];
                draw(1, glm::translate(glm::mat4(1.0f), wr - lateral * 0.09f) * alignY(lateral) *
                            glm::scale(glm::mat4(1.0f), glm::vec3(0.035f, 0.18f, 0.035f)),
                     glm::vec3(0.45f, 0.48f, 0.55f));
                for (float k : {-0.08f, 0.08f}) sphere(wr + lateral * k, glm::vec3(0.055f), glm::vec3(0.3f, 0.32f, 0.38f));
            }
        }
    }
    if (fig.visible[LeftEar] || fig.visible[RightEar] || fig.visible[Nose]) {
        glm::vec3 ear = (P[LeftEar] + P[RightEar]) * 0.5f;
        glm::vec3 head = ear * 0.75f + P[Nose] * 0.25f;
        if (trunkSeen) {
            glm::vec3 d = head - shC;
            float len = glm::length(d);
            if (len > 1e-3f)
                draw(1, glm::translate(glm::mat4(1.0f), shC) * alignY(d / len) * glm::scale(glm::mat4(1.0f), glm::vec3(0.05f, len * 0.8f, 0.05f)),
                     col.skin);
        }
        sphere(head, glm::vec3(0.105f, 0.12f, 0.105f), col.skin);
        glm::vec3 face = P[Nose] - head;
        if (glm::length(face) > 1e-3f) sphere(head + glm::normalize(face) * 0.1f, glm::vec3(0.025f), glm::vec3(0.85f, 0.6f, 0.5f));
    }
    if (fig.prop == "box" && fig.visible[LeftWrist] && fig.visible[RightWrist]) {
        glm::vec3 hands = (P[LeftWrist] + P[RightWrist]) * 0.5f + forward * 0.12f - glm::vec3(0, 0.05f, 0);
        box(hands, glm::vec3(0.34f, 0.26f, 0.26f), glm::vec3(0.78f, 0.6f, 0.4f), bodyRot);
    }

    if (t.msFbo) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, t.msFbo);
        glBindFramebuffer(GL_DRAW_FRAMEBUFFER, t.fbo);
        glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    }
    // Restore.
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(prevFbo));
    glUseProgram(static_cast<GLuint>(prevProgram));
    glBindVertexArray(static_cast<GLuint>(prevVao));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    depth ? glEnable(GL_DEPTH_TEST) : glDisable(GL_DEPTH_TEST);
    blend ? glEnable(GL_BLEND) : glDisable(GL_BLEND);
    cull ? glEnable(GL_CULL_FACE) : glDisable(GL_CULL_FACE);
    scissor ? glEnable(GL_SCISSOR_TEST) : glDisable(GL_SCISSOR_TEST);
    m_lastMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    m_frameMs += m_lastMs;
    return t.colour;
}

}  // namespace ptcoach::ui

#pragma once
// The 3D coach: a shaded figure drawn with OpenGL 3.3 (GLM for the maths) into an offscreen
// texture that the screens show as an image. The same figure shows the exercise's demonstration
// (the exercise file's keyframes, posed by the synthetic body) and the person's own world landmarks
// from the pose model, seen from the side so the line of the back shows even with a front camera.
// Where 3D cannot run (no OpenGL 3.3, a shader or framebuffer the driver refuses, PTCOACH_NO_3D=1)
// available() is false and error() says why; the screens then draw the line figure and say so.
#include <array>
#include <map>
#include <optional>
#include <string>

#include <glm/vec3.hpp>

#include "ptcoach/analysis/exercise.h"
#include "ptcoach/analysis/landmark_frame.h"

namespace ptcoach::ui {

// 33 points in metres, render axes: X the figure's right-to-left as the camera sees it, Y up,
// Z toward the camera. visible[i] false: leave that part out (the model could not see it).
struct Figure3D {
    std::array<glm::vec3, analysis::kLandmarks> p{};
    std::array<bool, analysis::kLandmarks> visible{};
    std::string prop;            // "", mat, chair, wall, box, weights
    bool valid = false;
};

// The demonstration posed at time tS (it loops), one-sided exercises mirrored for the right side.
Figure3D demoFigure(const analysis::ExerciseDefinition& ex, double tS, std::optional<analysis::BodySide> side);
// The person's world landmarks (invalid without them, or when too little of the body is seen).
Figure3D personFigure(const analysis::LandmarkFrame& f);
// The yaw (degrees about the vertical) that shows a figure from its own side (its left side), for
// the person's side view: works whichever way they face the camera.
float sideYaw(const Figure3D& fig);

struct CoachColours {
    glm::vec3 shirt{0.15f, 0.65f, 0.60f}, trousers{0.20f, 0.26f, 0.42f}, skin{0.93f, 0.76f, 0.62f};
    glm::vec3 background{0.12f, 0.14f, 0.19f}, floor{0.22f, 0.25f, 0.31f};
    glm::vec3 highlight{1.0f, 0.35f, 0.3f};  // joints where a form fault is
};

class Coach3D {
public:
    Coach3D();
    ~Coach3D();
    Coach3D(const Coach3D&) = delete;
    Coach3D& operator=(const Coach3D&) = delete;

    // Compiles the shaders and builds the meshes the first time; false (and error()) when 3D cannot run.
    bool available();
    const std::string& error() const { return m_error; }

    // Renders `fig` into the texture of `slot` (one per view on screen) at w x h pixels, seen from
    // yaw degrees (0: the camera in front of the figure, 90: at its left) and pitch degrees down.
    // Returns the GL texture (0 on failure). The texture's rows are bottom-up (flip it when shown).
    unsigned render(int slot, const Figure3D& fig, int w, int h, float yawDeg, float pitchDeg,
                    const CoachColours& colours = {}, const std::array<bool, analysis::kLandmarks>* faulty = nullptr);

    // The milliseconds the last render() took on the CPU side, and all renders since the last call
    // of takeFrameMs() (the bench's share of a frame spent on the 3D views).
    double lastMs() const { return m_lastMs; }
    double takeFrameMs() {
        double ms = m_frameMs;
        m_frameMs = 0;
        return ms;
    }

private:
    struct Target {
        unsigned fbo = 0, colour = 0, depth = 0, msFbo = 0, msColour = 0, msDepth = 0;
        int w = 0, h = 0;
    };
    bool init();
    bool ensureTarget(Target& t, int w, int h);
    void release(Target& t);
    bool m_tried = false, m_ok = false, m_software = false;
    std::string m_error;
    unsigned m_program = 0, m_vao[3] = {0, 0, 0}, m_vbo[3] = {0, 0, 0}, m_ibo[3] = {0, 0, 0};
    int m_count[3] = {0, 0, 0};  // sphere, cylinder, cube index counts
    int m_samples = 0;
    std::map<int, Target> m_targets;
    double m_lastMs = 0, m_frameMs = 0;
};

}  // namespace ptcoach::ui

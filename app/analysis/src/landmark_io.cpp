#include "ptcoach/analysis/landmark_io.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

#include "ptcoach/core/json_check.h"

namespace ptcoach::analysis {

namespace {

constexpr std::array<std::string_view, kLandmarks> kNames = {
    "nose",           "left_eye_inner", "left_eye",        "left_eye_outer",   "right_eye_inner",
    "right_eye",      "right_eye_outer", "left_ear",       "right_ear",        "mouth_left",
    "mouth_right",    "left_shoulder",  "right_shoulder",  "left_elbow",       "right_elbow",
    "left_wrist",     "right_wrist",    "left_pinky",      "right_pinky",      "left_index",
    "right_index",    "left_thumb",     "right_thumb",     "left_hip",         "right_hip",
    "left_knee",      "right_knee",     "left_ankle",      "right_ankle",      "left_heel",
    "right_heel",     "left_foot_index", "right_foot_index",
};

std::vector<std::string_view> splitCsv(std::string_view line) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        size_t comma = line.find(',', start);
        std::string_view cell = line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
        while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t' || cell.back() == '\r')) cell.remove_suffix(1);
        out.push_back(cell);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

bool parseDouble(std::string_view s, double& out) {
    if (s.empty()) return false;
    std::string tmp(s);
    char* end = nullptr;
    out = std::strtod(tmp.c_str(), &end);
    return end == tmp.c_str() + tmp.size() && std::isfinite(out);
}

// What one CSV column holds.
struct Column {
    enum Kind { Ignore, Time, Label, X, Y, Z, V } kind = Ignore;
    int landmark = -1;
};

}  // namespace

Expected<LandmarkSequence> readLandmarkCsv(std::istream& in, const std::string& sourceName,
                                           const CsvReadOptions& options) {
    LandmarkSequence seq;
    seq.source = sourceName;
    int width = options.imageWidth, height = options.imageHeight;
    std::string line;
    int lineNo = 0;
    auto fail = [&](const std::string& what) -> Expected<LandmarkSequence> {
        return makeError(sourceName + ":" + std::to_string(lineNo) + ": " + what);
    };

    // Optional size line, then the header (blank lines and other comments skipped).
    std::vector<Column> cols;
    bool haveTime = false, haveLabel = false;
    while (std::getline(in, line)) {
        ++lineNo;
        std::string_view v(line);
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.remove_suffix(1);
        if (v.empty()) continue;
        if (v.front() == '#') {
            std::istringstream ss{std::string(v.substr(1))};
            std::string kv;
            while (ss >> kv) {
                auto eq = kv.find('=');
                if (eq == std::string::npos) continue;
                std::string key = kv.substr(0, eq), val = kv.substr(eq + 1);
                double d = 0;
                if (key == "image_width" || key == "image_height") {
                    if (!parseDouble(val, d) || d < 1 || d > 100000 || d != std::floor(d))
                        return fail("'" + key + "' must be a positive whole number, found '" + val + "'");
                    (key == "image_width" ? width : height) = static_cast<int>(d);
                }
            }
            continue;
        }
        auto cells = splitCsv(v);
        cols.resize(cells.size());
        std::array<int, kLandmarks> seen{};
        for (size_t c = 0; c < cells.size(); ++c) {
            std::string_view name = cells[c];
            if (name == "t_ms") {
                cols[c].kind = Column::Time;
                haveTime = true;
                continue;
            }
            if (name == "label") {
                cols[c].kind = Column::Label;
                haveLabel = true;
                continue;
            }
            // x12 / y12 / z12 / v12, or <name>_x ...
            int lmIdx = -1;
            Column::Kind kind = Column::Ignore;
            auto kindOf = [](char ch) {
                switch (ch) {
                    case 'x': return Column::X;
                    case 'y': return Column::Y;
                    case 'z': return Column::Z;
                    case 'v': return Column::V;
                    default: return Column::Ignore;
                }
            };
            if (name.size() >= 2 && kindOf(name[0]) != Column::Ignore &&
                name.find_first_not_of("0123456789", 1) == std::string_view::npos) {
                int n = -1;
                std::from_chars(name.data() + 1, name.data() + name.size(), n);
                if (n < 0 || n >= kLandmarks) return fail("column '" + std::string(name) + "': landmark index out of 0..32");
                lmIdx = n;
                kind = kindOf(name[0]);
            } else if (name.size() > 2 && name[name.size() - 2] == '_') {
                std::string_view base = name.substr(0, name.size() - 2);
                for (int i = 0; i < kLandmarks; ++i)
                    if (kNames[static_cast<size_t>(i)] == base) lmIdx = i;
                kind = kindOf(name.back());
                if (lmIdx < 0 || kind == Column::Ignore)
                    return fail("unknown column '" + std::string(name) + "' (expected t_ms, label, x0..v32 or <landmark>_x/_y/_z/_v)");
            } else {
                return fail("unknown column '" + std::string(name) + "' (expected t_ms, label, x0..v32 or <landmark>_x/_y/_z/_v)");
            }
            cols[c] = {kind, lmIdx};
            seen[static_cast<size_t>(lmIdx)] |= 1 << kind;
        }
        for (int i = 0; i < kLandmarks; ++i) {
            int s = seen[static_cast<size_t>(i)];
            int all = (1 << Column::X) | (1 << Column::Y) | (1 << Column::Z) | (1 << Column::V);
            if (s != 0 && s != all)
                return fail("landmark " + std::to_string(i) + " (" + std::string(kNames[static_cast<size_t>(i)]) +
                            ") needs all of x, y, z and v columns");
        }
        if (std::none_of(seen.begin(), seen.end(), [](int s) { return s != 0; }))
            return fail("header has no landmark columns");
        break;
    }
    if (cols.empty()) return fail("empty file: expected a header line");

    uint64_t provided = 0;
    for (const Column& c : cols)
        if (c.landmark >= 0) provided |= uint64_t{1} << c.landmark;
    const double frameMs = 1000.0 / (options.fpsWhenNoTime > 0 ? options.fpsWhenNoTime : 30.0);
    int64_t lastT = -1;
    while (std::getline(in, line)) {
        ++lineNo;
        std::string_view v(line);
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.remove_suffix(1);
        if (v.empty() || v.front() == '#') continue;
        auto cells = splitCsv(v);
        if (cells.size() != cols.size())
            return fail("expected " + std::to_string(cols.size()) + " values, found " + std::to_string(cells.size()));
        LandmarkFrame f;
        f.imageWidth = width;
        f.minVisibility = options.minVisibility;
        f.imageHeight = height;
        f.provided = provided;
        f.tMs = static_cast<int64_t>(std::llround(static_cast<double>(seq.frames.size()) * frameMs));
        std::string label;
        for (size_t c = 0; c < cells.size(); ++c) {
            const Column& col = cols[c];
            if (col.kind == Column::Ignore) continue;
            if (col.kind == Column::Label) {
                label = std::string(cells[c]);
                continue;
            }
            double d = 0;
            if (!parseDouble(cells[c], d))
                return fail("column " + std::to_string(c + 1) + ": '" + std::string(cells[c]) + "' is not a number");
            if (col.kind == Column::Time) {
                f.tMs = static_cast<int64_t>(std::llround(d));
                continue;
            }
            Point& p = f.points[static_cast<size_t>(col.landmark)];
            switch (col.kind) {
                case Column::X: p.x = static_cast<float>(d); break;
                case Column::Y: p.y = static_cast<float>(d); break;
                case Column::Z: p.z = static_cast<float>(d); break;
                case Column::V:
                    if (d < 0 || d > 1)
                        return fail("column " + std::to_string(c + 1) + ": visibility must be 0..1, found " +
                                    std::string(cells[c]));
                    p.visibility = static_cast<float>(d);
                    break;
                default: break;
            }
        }
        if (haveTime && f.tMs <= lastT)
            return fail("t_ms " + std::to_string(f.tMs) + " is not after the previous row's " + std::to_string(lastT));
        lastT = f.tMs;
        f.person = std::any_of(f.points.begin(), f.points.end(), [](const Point& p) { return p.visibility > 0; });
        seq.frames.push_back(f);
        if (haveLabel) seq.labels.push_back(label);
    }
    return seq;
}

Expected<LandmarkSequence> readLandmarkCsv(const std::filesystem::path& file, const CsvReadOptions& options) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return makeError(file.string() + ": cannot be opened for reading");
    return readLandmarkCsv(in, file.string(), options);
}

Expected<LandmarkSequence> readPoseJson(const std::filesystem::path& file) {
    auto doc = ptcoach::readJsonFile(file);
    if (!doc) return doc.error();
    const nlohmann::json& j = *doc;
    ptcoach::JsonCheck check(file.string());
    LandmarkSequence seq;
    seq.source = file.string();
    if (!j.is_object() || !j.contains("frames") || !j["frames"].is_array())
        return makeError(file.string() + ": $.frames: missing (expected the array ptcoach-pose writes)");
    const auto& frames = j["frames"];
    // The pose model that made the file sets the visibility cut-off.
    if (j.contains("model") && j["model"].is_string()) seq.model = j["model"].get<std::string>();
    const float cutoff = visibilityCutoff(seq.model);
    int64_t lastT = -1;
    for (size_t i = 0; i < frames.size(); ++i) {
        const auto& fr = frames[i];
        std::string path = "$.frames[" + std::to_string(i) + "]";
        LandmarkFrame f;
        f.minVisibility = cutoff;
        f.tMs = check.integer(fr, path, "t_ms", 0, std::numeric_limits<int>::max());
        f.imageWidth = check.integer(fr, path, "image_width", 0, 100000, false, 0);
        f.imageHeight = check.integer(fr, path, "image_height", 0, 100000, false, 0);
        f.person = check.boolean(fr, path, "person");
        if (!check.ok()) break;
        if (f.tMs <= lastT) {
            check.problem(path + ".t_ms", "not after the previous frame's " + std::to_string(lastT));
            break;
        }
        lastT = f.tMs;
        if (f.person) {
            auto lms = fr.find("landmarks");
            if (lms == fr.end() || !lms->is_array() || lms->size() != kLandmarks) {
                check.problem(path + ".landmarks", "expected 33 landmarks for a frame with a person");
                break;
            }
            for (int k = 0; k < kLandmarks; ++k) {
                const auto& p = (*lms)[static_cast<size_t>(k)];
                if (!p.is_array() || p.size() < 4 || !std::all_of(p.begin(), p.end(), [](const auto& x) { return x.is_number(); })) {
                    check.problem(path + ".landmarks[" + std::to_string(k) + "]", "expected [x, y, z, visibility, presence]");
                    break;
                }
                f.points[static_cast<size_t>(k)] = {p[0].get<float>(), p[1].get<float>(), p[2].get<float>(),
                                                    p[3].get<float>()};
            }
            auto w = fr.find("world");
            if (w != fr.end() && w->is_array() && w->size() == kLandmarks) {
                std::array<WorldPoint, kLandmarks> world{};
                for (int k = 0; k < kLandmarks; ++k) {
                    const auto& p = (*w)[static_cast<size_t>(k)];
                    if (!p.is_array() || p.size() != 3 || !std::all_of(p.begin(), p.end(), [](const auto& x) { return x.is_number(); })) {
                        check.problem(path + ".world[" + std::to_string(k) + "]", "expected [x, y, z]");
                        break;
                    }
                    world[static_cast<size_t>(k)] = {p[0].get<float>(), p[1].get<float>(), p[2].get<float>()};
                }
                f.world = world;
            }
            if (!check.ok()) break;
        }
        seq.frames.push_back(f);
    }
    if (!check.ok()) return makeError(check.message());
    return seq;
}

void writeLandmarkCsv(std::ostream& out, const LandmarkSequence& seq) {
    if (!seq.frames.empty() && seq.frames.front().imageWidth > 0)
        out << "# image_width=" << seq.frames.front().imageWidth << " image_height=" << seq.frames.front().imageHeight
            << "\n";
    out << "t_ms";
    for (int i = 0; i < kLandmarks; ++i) out << ",x" << i << ",y" << i << ",z" << i << ",v" << i;
    out << "\n";
    for (const auto& f : seq.frames) {
        out << f.tMs;
        for (const auto& p : f.points) {
            if (f.person)
                out << ',' << p.x << ',' << p.y << ',' << p.z << ',' << p.visibility;
            else
                out << ",0,0,0,0";
        }
        out << "\n";
    }
}

std::optional<float> estimateAspect(const std::vector<LandmarkFrame>& frames) {
    // Bones as (from, to) left-side landmarks; pairs of bones whose length ratio must not change.
    struct Bone { int a, b; };
    const Bone upperArm{lm::LeftShoulder, lm::LeftElbow}, forearm{lm::LeftElbow, lm::LeftWrist},
        thigh{lm::LeftHip, lm::LeftKnee}, shank{lm::LeftKnee, lm::LeftAnkle}, trunk{lm::LeftShoulder, lm::LeftHip};
    const std::pair<Bone, Bone> pairs[] = {{upperArm, forearm}, {thigh, shank}, {trunk, thigh}, {trunk, upperArm}};
    // Per pair: the bones' components (dx in widths, dy in heights) in every frame and side that shows both.
    std::vector<std::vector<std::array<float, 4>>> samples(std::size(pairs));
    int framesWithPerson = 0;
    for (const auto& f : frames) {
        if (!f.person) continue;
        ++framesWithPerson;
        for (int side = 0; side < 2; ++side)
            for (size_t k = 0; k < std::size(pairs); ++k) {
                const Bone& p = pairs[k].first;
                const Bone& q = pairs[k].second;
                int pa = p.a + side, pb = p.b + side, qa = q.a + side, qb = q.b + side;
                if (!f.visible(pa) || !f.visible(pb) || !f.visible(qa) || !f.visible(qb)) continue;
                const auto& P = f.points;
                samples[k].push_back({P[pb].x - P[pa].x, P[pb].y - P[pa].y, P[qb].x - P[qa].x, P[qb].y - P[qa].y});
            }
    }
    if (framesWithPerson < 30) return std::nullopt;
    auto spreadAt = [&](float a) {
        double total = 0;
        int used = 0;
        for (const auto& s : samples) {
            if (s.size() < 20) continue;
            double sum = 0, sum2 = 0;
            int n = 0;
            for (const auto& v : s) {
                double l1 = std::hypot(a * v[0], v[1]), l2 = std::hypot(a * v[2], v[3]);
                if (l1 < 1e-6 || l2 < 1e-6) continue;
                double r = std::log(l1 / l2);
                sum += r, sum2 += r * r, ++n;
            }
            if (n < 20) continue;
            double mean = sum / n;
            total += sum2 / n - mean * mean;
            ++used;
        }
        return used ? std::optional<double>(total / used) : std::nullopt;
    };
    float bestA = 0;
    double best = 1e30, worst = 0;
    for (int k = 45; k <= 230; k += 1) {
        float a = k / 100.0f;
        auto v = spreadAt(a);
        if (!v) return std::nullopt;
        if (*v < best) best = *v, bestA = a;
        worst = std::max(worst, *v);
    }
    // Clearly better than the other aspects: the worst candidate varies five times as much.
    if (!(best > 0) || worst / best < 5.0) return std::nullopt;
    const float usual[] = {9.0f / 16.0f, 3.0f / 4.0f, 1.0f, 4.0f / 3.0f, 16.0f / 9.0f};
    float snapped = usual[0];
    for (float u : usual)
        if (std::fabs(std::log(bestA / u)) < std::fabs(std::log(bestA / snapped))) snapped = u;
    // Within 6% of a usual aspect: that one. Otherwise the fit itself: on the side-on curl video
    // (16:9) it reads 1.5-1.65, low because the forearm turns a little out of the picture plane.
    return std::fabs(std::log(bestA / snapped)) <= 0.06f ? snapped : bestA;
}

}  // namespace ptcoach::analysis

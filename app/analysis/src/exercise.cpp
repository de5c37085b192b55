#include "ptcoach/analysis/exercise.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "ptcoach/core/paths.h"
#include "ptcoach/core/json_check.h"
#include "ptcoach/core/ids.h"

namespace ptcoach::analysis {

namespace {

using ptcoach::JsonCheck;
using nlohmann::json;

constexpr double kBig = 1e6;

template <typename E, size_t N>
std::optional<E> pick(const std::string& s, const std::pair<const char*, E> (&table)[N]) {
    for (const auto& [name, value] : table)
        if (s == name) return value;
    return std::nullopt;
}

template <typename E, size_t N>
std::string choices(const std::pair<const char*, E> (&table)[N]) {
    std::string out;
    for (const auto& [name, value] : table) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

const std::pair<const char*, ExerciseKind> kKinds[] = {{"reps", ExerciseKind::Reps},
                                                       {"hold", ExerciseKind::Hold},
                                                       {"posture", ExerciseKind::Posture},
                                                       {"timed", ExerciseKind::Timed}};
const std::pair<const char*, Sides> kSides[] = {{"both", Sides::Both},
                                                {"either", Sides::Either},
                                                {"left", Sides::Left},
                                                {"right", Sides::Right},
                                                {"alternating", Sides::Alternating},
                                                {"each", Sides::Each}};
const std::pair<const char*, Category> kCategories[] = {
    {"mobility", Category::Mobility}, {"stretch", Category::Stretch}, {"core", Category::Core},
    {"strength", Category::Strength}, {"lifting", Category::Lifting}, {"walking", Category::Walking},
    {"posture", Category::Posture},   {"rest", Category::Rest}};
const std::pair<const char*, StartPosition> kPositions[] = {
    {"standing", StartPosition::Standing},      {"sitting", StartPosition::Sitting},
    {"lying_back", StartPosition::LyingBack},   {"lying_front", StartPosition::LyingFront},
    {"lying_side", StartPosition::LyingSide},   {"kneeling", StartPosition::Kneeling},
    {"all_fours", StartPosition::AllFours}};
const char* const kProps[] = {"chair", "wall", "box", "weights", "mat"};
const std::pair<const char*, ViewNeed> kViews[] = {
    {"front", ViewNeed::Front}, {"side", ViewNeed::Side}, {"either", ViewNeed::Either}};
const std::pair<const char*, Direction> kDirections[] = {{"decrease", Direction::Decrease},
                                                         {"increase", Direction::Increase}};
const std::pair<const char*, RulePhase> kPhases[] = {
    {"any", RulePhase::Any},   {"active", RulePhase::Active}, {"rest", RulePhase::Rest},
    {"moving", RulePhase::Moving}, {"peak", RulePhase::Peak}, {"rep", RulePhase::Rep},
    {"hold", RulePhase::Hold}, {"rep_end", RulePhase::RepEnd}};
const std::pair<const char*, Severity> kSeverities[] = {
    {"info", Severity::Info}, {"warning", Severity::Warning}, {"error", Severity::Error}};
const std::pair<const char*, Aggregate> kAggregates[] = {{"min", Aggregate::Min}, {"max", Aggregate::Max}};

template <typename E, size_t N>
E enumField(JsonCheck& c, const json& obj, const std::string& path, const char* key,
            const std::pair<const char*, E> (&table)[N], bool required, E fallback) {
    if (!obj.is_object() || !obj.contains(key)) {
        if (required) c.problem(path + "." + key, "missing (expected one of: " + choices(table) + ")");
        return fallback;
    }
    std::string s = c.str(obj, path, key);
    if (s.empty()) return fallback;
    auto v = pick(s, table);
    if (!v) {
        c.problem(path + "." + key, "'" + s + "' is not one of: " + choices(table));
        return fallback;
    }
    return *v;
}

MeasureRef measureField(JsonCheck& c, const json& obj, const std::string& path, const char* key = "measure") {
    std::string name = c.str(obj, path, key);
    if (name.empty()) return {};
    auto m = findMeasure(name);
    if (!m) {
        std::string list;
        for (const auto& info : allMeasures()) list += (list.empty() ? "" : ", ") + std::string(info.name);
        c.problem(path + "." + key, "unknown measure '" + name + "' (known: " + list +
                                        "; sided measures also take the suffix _asymmetry)");
        return {};
    }
    return *m;
}

SideMode sideField(JsonCheck& c, const json& obj, const std::string& path, SideMode fallback) {
    if (!obj.contains("side")) return fallback;
    std::string s = c.str(obj, path, "side");
    auto m = parseSideMode(s);
    if (!m) {
        c.problem(path + ".side", "'" + s + "' is not one of: tracked, left, right, best, mean, max, min");
        return fallback;
    }
    return *m;
}

Band bandFields(JsonCheck& c, const json& obj, const std::string& path, bool needOne) {
    Band b;
    if (obj.contains("min")) b.min = static_cast<float>(c.num(obj, path, "min", -kBig, kBig));
    if (obj.contains("max")) b.max = static_cast<float>(c.num(obj, path, "max", -kBig, kBig));
    if (needOne && !b.min && !b.max) c.problem(path, "needs 'min', 'max' or both (the allowed band)");
    if (b.min && b.max && *b.min > *b.max) c.problem(path, "'min' is above 'max'");
    return b;
}

int msField(JsonCheck& c, const json& obj, const std::string& path, const char* key, double hi, int fallback) {
    if (!obj.contains(key)) return fallback;
    return static_cast<int>(std::lround(c.num(obj, path, key, 0, hi) * 1000.0));
}

std::vector<std::string> stringList(JsonCheck& c, const json& obj, const std::string& path, const char* key) {
    std::vector<std::string> out;
    if (!obj.contains(key)) return out;
    const json& a = obj[key];
    if (!a.is_array()) {
        c.problem(path + "." + key, "expected an array of strings");
        return out;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_string() || a[i].get<std::string>().empty())
            c.problem(path + "." + key + "[" + std::to_string(i) + "]", "expected a non-empty string");
        else
            out.push_back(a[i].get<std::string>());
    }
    return out;
}

std::vector<Condition> conditionList(JsonCheck& c, const json& a, const std::string& path) {
    std::vector<Condition> out;
    if (!a.is_array()) {
        c.problem(path, "expected an array of {\"measure\", \"min\"/\"max\", \"message\", \"why\"}");
        return out;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        const json& cj = a[i];
        std::string cp = path + "[" + std::to_string(i) + "]";
        c.onlyKeys(cj, cp, {"measure", "side", "min", "max", "message", "why"});
        Condition cond;
        cond.measure = measureField(c, cj, cp);
        cond.side = sideField(c, cj, cp, SideMode::Tracked);
        cond.band = bandFields(c, cj, cp, true);
        if (cj.contains("message")) {
            cond.message = c.str(cj, cp, "message");
            if (cond.message.size() > 60) c.problem(cp + ".message", "a cue must be short (60 characters at most)");
        }
        if (cj.contains("why")) cond.why = c.str(cj, cp, "why");
        out.push_back(cond);
    }
    return out;
}

}  // namespace

std::string_view kindName(ExerciseKind k) {
    for (const auto& [n, v] : kKinds)
        if (v == k) return n;
    return "reps";
}
std::string_view sidesName(Sides s) {
    for (const auto& [n, v] : kSides)
        if (v == s) return n;
    return "both";
}
std::string_view categoryName(Category c) {
    for (const auto& [n, v] : kCategories)
        if (v == c) return n;
    return "mobility";
}
std::string_view positionName(StartPosition p) {
    for (const auto& [n, v] : kPositions)
        if (v == p) return n;
    return "standing";
}
std::string_view positionLabel(StartPosition p) {
    switch (p) {
        case StartPosition::Standing: return "standing";
        case StartPosition::Sitting: return "sitting";
        case StartPosition::LyingBack: return "lying on your back";
        case StartPosition::LyingFront: return "lying on your front";
        case StartPosition::LyingSide: return "lying on your side";
        case StartPosition::Kneeling: return "kneeling";
        case StartPosition::AllFours: return "on hands and knees";
    }
    return "standing";
}

namespace {

float lerp(float a, float b, float u) { return a + (b - a) * u; }

BodyPose blend(const BodyPose& a, const BodyPose& b, float u) {
    BodyPose p;
    p.trunk = lerp(a.trunk, b.trunk, u);
    p.neckForward = lerp(a.neckForward, b.neckForward, u);
    p.lateralLean = lerp(a.lateralLean, b.lateralLean, u);
    p.twist = lerp(a.twist, b.twist, u);
    p.pelvisDrop = lerp(a.pelvisDrop, b.pelvisDrop, u);
    p.shoulderDrop = lerp(a.shoulderDrop, b.shoulderDrop, u);
    p.roll = lerp(a.roll, b.roll, u);
    p.kneeFall = lerp(a.kneeFall, b.kneeFall, u);
    for (size_t i = 0; i < 2; ++i) {
        p.hipFlex[i] = lerp(a.hipFlex[i], b.hipFlex[i], u);
        p.kneeFlex[i] = lerp(a.kneeFlex[i], b.kneeFlex[i], u);
        p.ankleFlex[i] = lerp(a.ankleFlex[i], b.ankleFlex[i], u);
        p.shoulderFlex[i] = lerp(a.shoulderFlex[i], b.shoulderFlex[i], u);
        p.elbowFlex[i] = lerp(a.elbowFlex[i], b.elbowFlex[i], u);
        p.shoulderOut[i] = lerp(a.shoulderOut[i], b.shoulderOut[i], u);
        p.kneeIn[i] = lerp(a.kneeIn[i], b.kneeIn[i], u);
    }
    return p;
}

// The joint angles a keyframe may set: one name sets both sides, name_left / name_right one side.
struct AngleKey {
    const char* name;
    std::array<float, 2> BodyPose::*sided;
    float BodyPose::*single;
};
const AngleKey kAngleKeys[] = {
    {"trunk", nullptr, &BodyPose::trunk},           {"neck", nullptr, &BodyPose::neckForward},
    {"lateral_lean", nullptr, &BodyPose::lateralLean}, {"twist", nullptr, &BodyPose::twist},
    {"roll", nullptr, &BodyPose::roll},         {"knee_fall", nullptr, &BodyPose::kneeFall},
    {"hip", &BodyPose::hipFlex, nullptr},           {"knee", &BodyPose::kneeFlex, nullptr},
    {"ankle", &BodyPose::ankleFlex, nullptr},       {"shoulder", &BodyPose::shoulderFlex, nullptr},
    {"elbow", &BodyPose::elbowFlex, nullptr},     {"shoulder_out", &BodyPose::shoulderOut, nullptr}};

std::optional<Demo> parseDemo(JsonCheck& c, const json& dj, const std::string& p) {
    if (!dj.is_object()) {
        c.problem(p, "expected an object {\"view\", \"loop_s\", \"keyframes\"}");
        return std::nullopt;
    }
    c.onlyKeys(dj, p, {"view", "prop", "loop_s", "keyframes"});
    Demo d;
    d.view = enumField(c, dj, p, "view", kViews, true, ViewNeed::Side);
    if (d.view == ViewNeed::Either) c.problem(p + ".view", "the figure is drawn from the front or the side, not 'either'");
    if (dj.contains("prop")) {
        d.prop = c.str(dj, p, "prop");
        if (std::find(std::begin(kProps), std::end(kProps), d.prop) == std::end(kProps))
            c.problem(p + ".prop", "'" + d.prop + "' is not one of: chair, wall, box, weights, mat");
    }
    d.loopS = static_cast<float>(c.num(dj, p, "loop_s", 0.5, 600));
    if (!dj.contains("keyframes") || !dj["keyframes"].is_array() || dj["keyframes"].empty()) {
        c.problem(p + ".keyframes", "expected an array of at least one keyframe {\"t_s\", joint angles...}");
        return d;
    }
    BodyPose prev;  // unset angles carry over from the keyframe before (the first from standing)
    for (size_t i = 0; i < dj["keyframes"].size(); ++i) {
        const json& k = dj["keyframes"][i];
        std::string kp = p + ".keyframes[" + std::to_string(i) + "]";
        if (!k.is_object()) {
            c.problem(kp, "expected an object");
            continue;
        }
        DemoKeyframe kf;
        kf.pose = prev;
        kf.tS = static_cast<float>(c.num(k, kp, "t_s", 0, 600));
        if (i == 0 && kf.tS != 0) c.problem(kp + ".t_s", "the first keyframe is at 0");
        if (i > 0 && kf.tS <= d.keyframes.back().tS) c.problem(kp + ".t_s", "keyframe times must increase");
        if (kf.tS >= d.loopS && d.loopS > 0) c.problem(kp + ".t_s", "must be before loop_s (" + std::to_string(d.loopS) + ")");
        for (auto it = k.begin(); it != k.end(); ++it) {
            const std::string& key = it.key();
            if (key == "t_s") continue;
            bool found = false;
            for (const auto& a : kAngleKeys) {
                std::string base = a.name;
                int side = key == base ? 2 : key == base + "_left" ? 0 : key == base + "_right" ? 1 : -1;
                if (side < 0 || (side < 2 && !a.sided)) continue;
                found = true;
                float v = static_cast<float>(c.num(k, kp, key.c_str(), -180, 180));
                if (a.single) kf.pose.*a.single = v;
                else if (side == 2) (kf.pose.*a.sided) = {v, v};
                else (kf.pose.*a.sided)[static_cast<size_t>(side)] = v;
            }
            if (!found)
                c.problem(kp + "." + key, "unknown key (expected t_s and joint angles in degrees: trunk, neck, "
                                          "lateral_lean, twist, roll, knee_fall, hip, knee, ankle, shoulder, shoulder_out, elbow; the sided ones "
                                          "also "
                                          "as _left / _right)");
        }
        prev = kf.pose;
        d.keyframes.push_back(kf);
    }
    return d;
}

}  // namespace

BodyPose demoPoseAt(const Demo& demo, double tS) {
    if (demo.keyframes.empty()) return {};
    if (demo.keyframes.size() == 1 || demo.loopS <= 0) return demo.keyframes.front().pose;
    double t = std::fmod(tS, static_cast<double>(demo.loopS));
    if (t < 0) t += demo.loopS;
    const auto& k = demo.keyframes;
    for (size_t i = 0; i < k.size(); ++i) {
        double t0 = k[i].tS;
        double t1 = i + 1 < k.size() ? k[i + 1].tS : demo.loopS;
        if (t >= t0 && t < t1) {
            const BodyPose& a = k[i].pose;
            const BodyPose& b = i + 1 < k.size() ? k[i + 1].pose : k.front().pose;
            float u = static_cast<float>((t - t0) / std::max(1e-6, t1 - t0));
            u = 0.5f - 0.5f * std::cos(3.14159265f * u);  // ease in and out
            return blend(a, b, u);
        }
    }
    return k.back().pose;
}

std::string_view rulePhaseName(RulePhase p) {
    for (const auto& [n, v] : kPhases)
        if (v == p) return n;
    return "any";
}
std::string_view severityName(Severity s) {
    for (const auto& [n, v] : kSeverities)
        if (v == s) return n;
    return "warning";
}

const std::vector<std::string>& knownFaultCodes() {
    static const std::vector<std::string> codes = {
        "not_deep_enough", "knees_caving",  "knee_past_toes",    "trunk_too_far_forward", "leaning_back",
        "hips_sagging",    "hips_piking",   "stoop_lift",        "twisting",              "load_far_from_body",
        "forward_head",    "shoulders_uneven", "pelvis_uneven",  "slouching",             "loose_upper_arm",
        "trunk_leaning_sideways", "not_straight_enough"};
    return codes;
}

Expected<ExerciseDefinition> parseExercise(const json& doc, const std::string& file) {
    JsonCheck c(file);
    ExerciseDefinition d;
    d.file = file;
    c.onlyKeys(doc, "$", {"format", "version", "id", "title", "kind", "view", "sides", "start_position", "stance",
                          "steps", "cautions", "dose", "tracking", "hold", "camera_check", "form", "category", "back_strengthening",
                          "position", "timer_only", "demo"});
    if (!c.ok()) return makeError(c.message());
    if (c.str(doc, "$", "format") != "ptcoach-exercise" && doc.contains("format") && doc["format"].is_string())
        c.problem("$.format", "expected \"ptcoach-exercise\"");
    d.version = c.integer(doc, "$", "version", 1, 1000);
    if (c.ok() && d.version > kExerciseFormatVersion)
        c.problem("$.version", "version " + std::to_string(d.version) + " is newer than this build reads (" +
                                   std::to_string(kExerciseFormatVersion) + ")");
    d.id = c.str(doc, "$", "id");
    if (!d.id.empty() && !ptcoach::isValidId(d.id))
        c.problem("$.id", "'" + d.id + "' must be 1-64 lowercase letters, digits and _");
    d.title = c.str(doc, "$", "title");
    d.kind = enumField(c, doc, "$", "kind", kKinds, true, ExerciseKind::Reps);
    d.view = enumField(c, doc, "$", "view", kViews, true, ViewNeed::Either);
    d.sides = enumField(c, doc, "$", "sides", kSides, true, Sides::Both);
    d.startPosition = c.str(doc, "$", "start_position");
    d.steps = stringList(c, doc, "$", "steps");
    d.cautions = stringList(c, doc, "$", "cautions");
    if (d.version >= 2) {
        d.category = enumField(c, doc, "$", "category", kCategories, true, Category::Mobility);
        d.backStrengthening = c.boolean(doc, "$", "back_strengthening");
        d.position = enumField(c, doc, "$", "position", kPositions, true, StartPosition::Standing);
        if (doc.contains("timer_only")) {
            d.timerOnly = c.str(doc, "$", "timer_only");
            if (d.timerOnly.empty()) c.problem("$.timer_only", "say why the camera cannot judge this exercise");
        }
        if (d.steps.empty()) c.problem("$.steps", "missing (plain-language steps, at least one)");
        if (!doc.contains("demo")) c.problem("$.demo", "missing (the demonstration's keyframes)");
        else d.demo = parseDemo(c, doc["demo"], "$.demo");
        if (d.kind == ExerciseKind::Timed && doc.contains("timer_only"))
            c.problem("$.timer_only", "a timed exercise is always timer only; leave this out");
        if (d.kind == ExerciseKind::Posture && doc.contains("timer_only"))
            c.problem("$.timer_only", "a posture check is judged by the camera");
    } else {
        for (const char* k : {"category", "back_strengthening", "position", "timer_only", "demo"})
            if (doc.contains(k)) c.problem(std::string("$.") + k, "needs format version 2");
        if (d.kind == ExerciseKind::Timed) c.problem("$.kind", "'timed' needs format version 2");
        if (d.sides == Sides::Each) c.problem("$.sides", "'each' needs format version 2");
    }
    if (d.kind == ExerciseKind::Posture) {
        d.stance = c.str(doc, "$", "stance");
        if (!d.stance.empty() && d.stance != "standing" && d.stance != "sitting")
            c.problem("$.stance", "'" + d.stance + "' is not one of: standing, sitting");
    } else if (doc.contains("stance")) {
        c.problem("$.stance", "only posture files have a stance");
    }

    // dose
    if (!doc.contains("dose")) {
        c.problem("$.dose", "missing (expected {\"sets\", \"reps\" or \"hold_s\", \"rest_s\"})");
    } else {
        const json& dj = doc["dose"];
        c.onlyKeys(dj, "$.dose", {"sets", "reps", "hold_s", "rest_s", "duration_s"});
        d.dose.sets = c.integer(dj, "$.dose", "sets", 1, 20);
        d.dose.reps = c.integer(dj, "$.dose", "reps", 1, 100, false, 0);
        d.dose.holdS = c.integer(dj, "$.dose", "hold_s", 1, 600, false, 0);
        d.dose.restS = c.integer(dj, "$.dose", "rest_s", 0, 600, false, 0);
        d.dose.durationS = c.integer(dj, "$.dose", "duration_s", 10, 3600, false, 0);
        if (d.kind == ExerciseKind::Reps && !dj.contains("reps")) c.problem("$.dose.reps", "missing for a reps exercise");
        if (d.kind == ExerciseKind::Hold && !dj.contains("hold_s"))
            c.problem("$.dose.hold_s", "missing for a hold exercise");
        if (d.kind == ExerciseKind::Timed && !dj.contains("duration_s"))
            c.problem("$.dose.duration_s", "missing for a timed exercise");
        if (d.kind != ExerciseKind::Timed && dj.contains("duration_s"))
            c.problem("$.dose.duration_s", "only timed exercises have a duration (holds use hold_s)");
        if (d.kind != ExerciseKind::Reps && dj.contains("reps"))
            c.problem("$.dose.reps", "only reps exercises have reps");
    }

    // tracking
    if (doc.contains("tracking")) {
        const json& t = doc["tracking"];
        const std::string p = "$.tracking";
        c.onlyKeys(t, p, {"measure", "direction", "exit", "attempt", "enter", "target", "min_rep_s", "max_rep_s", "start",
                          "relative", "why"});
        TrackingSpec ts;
        ts.measure = measureField(c, t, p);
        ts.direction = enumField(c, t, p, "direction", kDirections, true, Direction::Decrease);
        ts.exit = static_cast<float>(c.num(t, p, "exit", -kBig, kBig));
        ts.enter = static_cast<float>(c.num(t, p, "enter", -kBig, kBig));
        ts.attempt = static_cast<float>(c.num(t, p, "attempt", -kBig, kBig, false, 0.5 * (ts.exit + ts.enter)));
        ts.target = static_cast<float>(c.num(t, p, "target", -kBig, kBig, false, ts.enter));
        ts.minRepMs = msField(c, t, p, "min_rep_s", 60, 500);
        ts.maxRepMs = msField(c, t, p, "max_rep_s", 600, 10000);
        // Thresholds ordered exit > attempt > enter (decrease); relative ones are offsets from the
        // rest value in the direction of the movement, so they are ordered exit < attempt < enter.
        bool rel = t.contains("relative") && t["relative"].is_boolean() && t["relative"].get<bool>();
        float s = ts.direction == Direction::Decrease ? 1.0f : -1.0f;
        if (rel) s = -1.0f;
        if (c.ok()) {
            if (!(s * ts.exit > s * ts.attempt && s * ts.attempt > s * ts.enter))
                c.problem(p, std::string("thresholds must be ordered exit ") + (s > 0 ? ">" : "<") + " attempt " +
                                 (s > 0 ? ">" : "<") + " enter " +
                                 (rel ? std::string("for relative thresholds (offsets from the rest value, growing with the movement)")
                                      : std::string("for direction '") + (s > 0 ? "decrease" : "increase") + "'") +
                                 " (the gap between exit and enter is the hysteresis that keeps jitter from adding reps)");
            if (s * ts.target > s * ts.attempt) c.problem(p + ".target", "must lie beyond attempt, toward enter");
            if (ts.minRepMs >= ts.maxRepMs) c.problem(p, "min_rep_s must be below max_rep_s");
        }
        if (t.contains("start")) {
            const json& st = t["start"];
            c.onlyKeys(st, p + ".start", {"hold_s", "conditions"});
            ts.startHoldMs = msField(c, st, p + ".start", "hold_s", 60, 500);
            if (st.contains("conditions")) ts.startConditions = conditionList(c, st["conditions"], p + ".start.conditions");
        }
        if (t.contains("relative")) ts.relative = c.boolean(t, p, "relative");
        if (t.contains("why")) ts.why = c.str(t, p, "why");
        else if (d.version >= 2) c.problem(p + ".why", "missing: say where the thresholds come from (a clinical fact or a measurement on a named real recording)");
        d.tracking = ts;
    }
    if (doc.contains("hold")) {
        const json& h = doc["hold"];
        const std::string p = "$.hold";
        c.onlyKeys(h, p, {"measure", "side", "min", "max", "target_s", "min_s", "grace_s", "position", "why"});
        HoldSpec hs;
        hs.measure = measureField(c, h, p);
        hs.side = sideField(c, h, p, SideMode::Mean);
        hs.band = bandFields(c, h, p, true);
        hs.targetMs = msField(c, h, p, "target_s", 600, 0);
        hs.minHoldMs = msField(c, h, p, "min_s", 60, 1000);
        hs.graceMs = msField(c, h, p, "grace_s", 10, 500);
        if (h.contains("position")) hs.position = conditionList(c, h["position"], p + ".position");
        if (h.contains("why")) hs.why = c.str(h, p, "why");
        else if (d.version >= 2) c.problem(p + ".why", "missing: say where the band comes from (a clinical fact or a measurement on a named real recording)");
        d.hold = hs;
    }
    if (doc.contains("camera_check")) {
        const json& cc = doc["camera_check"];
        const std::string p = "$.camera_check";
        c.onlyKeys(cc, p, {"conditions", "why"});
        CameraCheck check;
        if (!cc.is_object() || !cc.contains("conditions")) c.problem(p + ".conditions", "missing (what the camera checks)");
        else check.conditions = conditionList(c, cc["conditions"], p + ".conditions");
        if (cc.is_object() && cc.contains("why")) check.why = c.str(cc, p, "why");
        else c.problem(p + ".why", "missing: say why the camera checks rather than counts, and where the bands come from");
        if (d.kind != ExerciseKind::Reps) c.problem(p, "only reps exercises are checked without counting (holds have a hold band)");
        if (doc.contains("tracking")) c.problem(p, "an exercise the camera counts (tracking) needs no camera_check");
        d.check = check;
    }
    if (!d.timerOnly.empty() || d.kind == ExerciseKind::Timed) {
        // the camera does not judge it: no tracking, hold band or form rules
        if (d.tracking) c.problem("$.tracking", "a timer-only exercise is not tracked by the camera");
        if (d.hold) c.problem("$.hold", "a timer-only exercise has no camera hold band");
        if (d.check) c.problem("$.camera_check", "a timer-only exercise is not checked by the camera (beyond its start position)");
        if (doc.contains("form")) c.problem("$.form", "a timer-only exercise has no form rules (the camera cannot judge it)");
    } else {
        if (d.kind == ExerciseKind::Reps && !d.tracking && !d.check)
            c.problem("$.tracking", "missing for a reps exercise (or a \"camera_check\", or say \"timer_only\": why the camera "
                                    "cannot judge it)");
        if (d.kind == ExerciseKind::Hold && !d.hold)
            c.problem("$.hold", "missing for a hold exercise (or say \"timer_only\": why the camera cannot judge it)");
    }
    if (d.kind != ExerciseKind::Reps && d.tracking) c.problem("$.tracking", "only reps exercises have tracking");
    if (d.kind != ExerciseKind::Hold && d.hold) c.problem("$.hold", "only hold exercises have a hold");
    if (d.sides == Sides::Alternating && d.tracking && !measureInfo(d.tracking->measure.id).sided)
        c.problem("$.sides", "alternating sides need a sided tracking measure");

    // form rules
    if (doc.contains("form")) {
        const json& fj = doc["form"];
        if (!fj.is_array()) c.problem("$.form", "expected an array of rules");
        else
            for (size_t i = 0; i < fj.size(); ++i) {
                const json& r = fj[i];
                std::string p = "$.form[" + std::to_string(i) + "]";
                c.onlyKeys(r, p, {"code", "measure", "side", "min", "max", "phase", "aggregate", "min_s", "severity",
                                  "message", "view", "near_band", "why"});
                FormRule rule;
                rule.code = c.str(r, p, "code");
                const auto& codes = knownFaultCodes();
                if (!rule.code.empty() && std::find(codes.begin(), codes.end(), rule.code) == codes.end()) {
                    std::string list;
                    for (const auto& k : codes) list += (list.empty() ? "" : ", ") + k;
                    c.problem(p + ".code", "unknown fault code '" + rule.code + "' (known: " + list + ")");
                }
                rule.measure = measureField(c, r, p);
                rule.side = sideField(c, r, p, SideMode::Tracked);
                rule.ok = bandFields(c, r, p, true);
                rule.phase = enumField(c, r, p, "phase", kPhases, true, RulePhase::Active);
                rule.aggregate = enumField(c, r, p, "aggregate", kAggregates, rule.phase == RulePhase::RepEnd,
                                           Aggregate::Min);
                if (r.contains("aggregate") && rule.phase != RulePhase::RepEnd)
                    c.problem(p + ".aggregate", "only rules with phase 'rep_end' aggregate");
                rule.minMs = msField(c, r, p, "min_s", 30, 300);
                rule.severity = enumField(c, r, p, "severity", kSeverities, true, Severity::Warning);
                rule.message = c.str(r, p, "message");
                if (rule.message.size() > 60) c.problem(p + ".message", "a cue must be short (60 characters at most)");
                rule.view = measureInfo(rule.measure.id).view;
                if (r.contains("view")) {
                    ViewNeed v = enumField(c, r, p, "view", kViews, false, ViewNeed::Either);
                    if (rule.view != ViewNeed::Either && v != rule.view)
                        c.problem(p + ".view", "measure '" + measureRefName(rule.measure) + "' can only be judged from the " +
                                                   std::string(viewNeedName(rule.view)) + " view");
                    else
                        rule.view = v;
                }
                if ((rule.phase == RulePhase::Rest || rule.phase == RulePhase::Moving || rule.phase == RulePhase::Peak ||
                     rule.phase == RulePhase::Rep || rule.phase == RulePhase::RepEnd) &&
                    d.kind != ExerciseKind::Reps)
                    c.problem(p + ".phase", "'" + std::string(rulePhaseName(rule.phase)) + "' needs a reps exercise");
                if (rule.phase == RulePhase::Hold && d.kind != ExerciseKind::Hold)
                    c.problem(p + ".phase", "'hold' needs a hold exercise");
                if (r.contains("near_band")) {
                    rule.nearBand = c.boolean(r, p, "near_band");
                    if (rule.nearBand && rule.phase != RulePhase::Hold)
                        c.problem(p + ".near_band", "only rules with phase 'hold' apply near the band");
                }
                if (r.contains("why")) rule.why = c.str(r, p, "why");
                else if (d.version >= 2)
                    c.problem(p + ".why", "missing: say where the band comes from (a clinical fact or a measurement on a named real recording)");
                d.form.push_back(rule);
            }
    }
    if (!c.ok()) return makeError(c.message());
    return d;
}

Expected<ExerciseDefinition> loadExercise(const std::filesystem::path& file) {
    auto doc = ptcoach::readJsonFile(file);
    if (!doc) return doc.error();
    auto d = parseExercise(*doc, file.string());
    if (d && file.stem().string() != d->id)
        return makeError(file.string() + ": $.id: '" + d->id + "' does not match the file name '" +
                         file.stem().string() + "'");
    return d;
}

Expected<ExerciseDefinition> loadExerciseById(const std::string& id, std::filesystem::path dir) {
    // The id becomes a file name: "../../x" must not reach the disk.
    if (!ptcoach::isValidId(id)) return makeError("unknown exercise: " + ptcoach::idProblem(id, "an exercise id"));
    if (dir.empty()) dir = programsDir();
    auto file = dir / "exercises" / (id + ".json");
    if (!std::filesystem::exists(file)) {
        std::string known;
        if (auto all = loadAllExercises(dir))
            for (const auto& e : *all) known += (known.empty() ? "" : ", ") + e.id;
        return makeError("unknown exercise '" + id + "': " + file.string() + " does not exist" +
                         (known.empty() ? "" : " (known: " + known + ")"));
    }
    return loadExercise(file);
}

Expected<std::vector<ExerciseDefinition>> loadAllExercises(std::filesystem::path dir) {
    if (dir.empty()) dir = programsDir();
    auto exDir = dir / "exercises";
    std::error_code ec;
    if (!std::filesystem::is_directory(exDir, ec)) return makeError(exDir.string() + ": no exercises directory");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(exDir, ec))
        if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<ExerciseDefinition> out;
    for (const auto& f : files) {
        auto d = loadExercise(f);
        if (!d) return d.error();
        out.push_back(std::move(*d));
    }
    return out;
}

}  // namespace ptcoach::analysis

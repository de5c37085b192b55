#include "ptcoach/analysis/evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "ptcoach/analysis/tracker.h"
#include "ptcoach/core/json_check.h"

namespace ptcoach::analysis {

namespace {

using nlohmann::json;
using ptcoach::JsonCheck;

std::optional<FrameRange> rangeField(JsonCheck& c, const json& j, const std::string& path) {
    if (!j.is_object()) {
        c.problem(path, "expected {\"from\": FRAME, \"to\": FRAME}");
        return std::nullopt;
    }
    FrameRange r;
    r.from = c.integer(j, path, "from", 0, 100000000);
    r.to = c.integer(j, path, "to", 0, 100000000);
    if (c.ok() && r.to < r.from) c.problem(path, "'to' is before 'from'");
    return r;
}

std::vector<std::string> faultList(JsonCheck& c, const json& j, const std::string& path) {
    std::vector<std::string> out;
    if (!j.is_array()) {
        c.problem(path, "expected an array of fault codes");
        return out;
    }
    const auto& known = knownFaultCodes();
    for (size_t i = 0; i < j.size(); ++i) {
        std::string p = path + "[" + std::to_string(i) + "]";
        if (!j[i].is_string()) {
            c.problem(p, "expected a fault code");
            continue;
        }
        std::string code = j[i].get<std::string>();
        if (std::find(known.begin(), known.end(), code) == known.end()) c.problem(p, "unknown fault code '" + code + "'");
        out.push_back(code);
    }
    return out;
}

std::string pct(double v) {
    char b[16];
    std::snprintf(b, sizeof b, "%.0f%%", 100.0 * v);
    return b;
}
std::string fixed(double v, int digits) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

}  // namespace

Expected<EvalManifest> parseEvalManifest(const json& doc, const std::filesystem::path& file,
                                         const std::optional<std::filesystem::path>& root) {
    JsonCheck c(file.string());
    EvalManifest m;
    m.file = file;
    c.onlyKeys(doc, "$", {"format", "version", "root", "note", "rep_tolerance", "hold_tolerance", "entries", "floors"});
    if (!c.ok()) return makeError(c.message());
    if (c.str(doc, "$", "format") != "ptcoach-eval" && doc.contains("format") && doc["format"].is_string())
        c.problem("$.format", "expected \"ptcoach-eval\"");
    int version = c.integer(doc, "$", "version", 1, 1000);
    if (c.ok() && version > kEvalFormatVersion)
        c.problem("$.version", "version " + std::to_string(version) + " is newer than this build reads (" +
                                   std::to_string(kEvalFormatVersion) + ")");
    std::filesystem::path base = file.parent_path();
    if (root) m.root = *root;
    else if (doc.contains("root")) m.root = base / c.str(doc, "$", "root");
    else m.root = base;
    if (doc.contains("rep_tolerance")) m.repTolerance = c.integer(doc, "$", "rep_tolerance", 0, 100);
    if (doc.contains("hold_tolerance")) m.holdTolerance = c.num(doc, "$", "hold_tolerance", 0, 10);
    if (!doc.contains("entries") || !doc["entries"].is_array() || doc["entries"].empty()) {
        c.problem("$.entries", "expected an array of entries {\"id\", \"input\", \"exercise\", \"truth\", ...}");
        return makeError(c.message());
    }
    std::set<std::string> ids;
    const auto& ej = doc["entries"];
    for (size_t i = 0; i < ej.size(); ++i) {
        const json& e = ej[i];
        std::string p = "$.entries[" + std::to_string(i) + "]";
        c.onlyKeys(e, p, {"id", "input", "exercise", "truth", "model", "reps", "hold_s", "view", "static", "image_size",
                          "fps", "min_visibility", "labels", "note"});
        if (!e.is_object()) continue;
        EvalEntry en;
        en.id = c.str(e, p, "id");
        if (!en.id.empty() && !ids.insert(en.id).second) c.problem(p + ".id", "'" + en.id + "' is used twice");
        en.input = c.str(e, p, "input");
        en.exercise = c.str(e, p, "exercise");
        en.truth = c.str(e, p, "truth");
        if (e.contains("model")) en.model = c.str(e, p, "model");
        if (e.contains("reps")) {
            const json& r = e["reps"];
            if (r.is_number_integer()) {
                int n = r.get<int>();
                if (n < 0) c.problem(p + ".reps", "must be 0 or more");
                en.reps = std::pair{n, n};
            } else if (r.is_object()) {
                c.onlyKeys(r, p + ".reps", {"min", "max"});
                int lo = c.integer(r, p + ".reps", "min", 0, 100000), hi = c.integer(r, p + ".reps", "max", 0, 100000);
                if (hi < lo) c.problem(p + ".reps", "'max' is below 'min'");
                en.reps = std::pair{lo, hi};
            } else {
                c.problem(p + ".reps", "expected a count or {\"min\", \"max\"}");
            }
        }
        if (e.contains("hold_s")) en.holdS = c.num(e, p, "hold_s", 0, 100000);
        if (e.contains("view")) {
            en.view = c.str(e, p, "view");
            if (*en.view != "front" && *en.view != "side") c.problem(p + ".view", "'" + *en.view + "' is not one of: front, side");
        }
        if (e.contains("static")) en.staticFrames = c.boolean(e, p, "static");
        if (e.contains("image_size")) {
            const json& s = e["image_size"];
            if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() || !s[1].is_number_integer() ||
                s[0].get<int>() <= 0 || s[1].get<int>() <= 0)
                c.problem(p + ".image_size", "expected [width, height] in pixels");
            else en.imageWidth = s[0].get<int>(), en.imageHeight = s[1].get<int>();
        }
        if (e.contains("fps")) en.fps = c.num(e, p, "fps", 1, 1000);
        if (e.contains("min_visibility")) en.minVisibility = static_cast<float>(c.num(e, p, "min_visibility", 0, 1));
        if (!en.reps && !en.holdS && !e.contains("labels") && !en.view)
            c.problem(p, "says nothing to check: give reps, hold_s, view or labels");
        if (e.contains("labels")) {
            const json& l = e["labels"];
            std::string lp = p + ".labels";
            c.onlyKeys(l, lp, {"how", "faults", "ranges", "column", "ignore"});
            EvalLabels lab;
            lab.how = c.str(l, lp, "how");
            if (l.contains("faults")) lab.faults = faultList(c, l["faults"], lp + ".faults");
            if (l.contains("ranges")) {
                if (!l["ranges"].is_array()) c.problem(lp + ".ranges", "expected an array of {\"from\", \"to\", \"faults\"}");
                else
                    for (size_t k = 0; k < l["ranges"].size(); ++k) {
                        const json& r = l["ranges"][k];
                        std::string rp = lp + ".ranges[" + std::to_string(k) + "]";
                        c.onlyKeys(r, rp, {"from", "to", "faults"});
                        auto fr = rangeField(c, r, rp);
                        std::vector<std::string> fs = r.contains("faults") ? faultList(c, r["faults"], rp + ".faults")
                                                                           : std::vector<std::string>{};
                        if (fr) lab.ranges.push_back({*fr, fs});
                    }
            }
            if (l.contains("column")) {
                const json& cm = l["column"];
                if (!cm.is_object()) c.problem(lp + ".column", "expected {\"LABEL\": [faults], ...} for the CSV's label column");
                else
                    for (auto it = cm.begin(); it != cm.end(); ++it)
                        lab.columnMap[it.key()] = faultList(c, it.value(), lp + ".column." + it.key());
            }
            if (l.contains("ignore")) {
                if (!l["ignore"].is_array()) c.problem(lp + ".ignore", "expected an array of {\"from\", \"to\"}");
                else
                    for (size_t k = 0; k < l["ignore"].size(); ++k)
                        if (auto fr = rangeField(c, l["ignore"][k], lp + ".ignore[" + std::to_string(k) + "]"))
                            lab.ignore.push_back(*fr);
            }
            if (lab.faults.empty()) {  // the faults the ranges or the column name
                std::set<std::string> all;
                for (const auto& r : lab.ranges) all.insert(r.second.begin(), r.second.end());
                for (const auto& [k, v] : lab.columnMap) all.insert(v.begin(), v.end());
                lab.faults.assign(all.begin(), all.end());
            }
            if (lab.faults.empty()) c.problem(lp + ".faults", "no fault to score (name them in 'faults')");
            if (lab.ranges.empty() && lab.columnMap.empty())
                c.problem(lp, "needs 'ranges' (frames showing the faults) or 'column' (a CSV label column's meaning)");
            en.labels = lab;
        }
        m.entries.push_back(en);
    }
    if (doc.contains("floors")) {
        const json& f = doc["floors"];
        c.onlyKeys(f, "$.floors", {"reps_within", "holds_within", "form", "view", "timer_only_max"});
        if (f.contains("reps_within")) m.floors.repsWithin = c.integer(f, "$.floors", "reps_within", 0, 100000);
        if (f.contains("holds_within")) m.floors.holdsWithin = c.integer(f, "$.floors", "holds_within", 0, 100000);
        if (f.contains("view")) m.floors.view = c.num(f, "$.floors", "view", 0, 1);
        if (f.contains("timer_only_max")) m.floors.timerOnlyMax = c.integer(f, "$.floors", "timer_only_max", 0, 1000);
        if (f.contains("form")) {
            if (!f["form"].is_object()) c.problem("$.floors.form", "expected {\"FAULT\": balanced accuracy}");
            else
                for (auto it = f["form"].begin(); it != f["form"].end(); ++it) {
                    if (!it.value().is_number() || it.value().get<double>() < 0 || it.value().get<double>() > 1)
                        c.problem("$.floors.form." + it.key(), "expected a balanced accuracy from 0 to 1");
                    else m.floors.form[it.key()] = it.value().get<double>();
                }
        }
    }
    if (!c.ok()) return makeError(c.message());
    return m;
}

Expected<EvalManifest> loadEvalManifest(const std::filesystem::path& file, const std::optional<std::filesystem::path>& root) {
    auto doc = ptcoach::readJsonFile(file);
    if (!doc) return doc.error();
    return parseEvalManifest(*doc, file, root);
}

std::optional<double> FaultScore::sensitivity() const {
    if (positives() == 0) return std::nullopt;
    return static_cast<double>(tp) / positives();
}
std::optional<double> FaultScore::specificity() const {
    if (negatives() == 0) return std::nullopt;
    return static_cast<double>(tn) / negatives();
}
std::optional<double> FaultScore::balancedAccuracy() const {
    auto s = sensitivity(), t = specificity();
    if (!s || !t) return std::nullopt;
    return 0.5 * (*s + *t);
}
FaultScore& FaultScore::operator+=(const FaultScore& o) {
    tp += o.tp, fn += o.fn, tn += o.tn, fp += o.fp;
    return *this;
}

Expected<EntryScore> evaluateEntry(const EvalEntry& entry, const LandmarkSequence& seq, const ExerciseDefinition& exercise) {
    TrackerOptions to;
    to.staticFrames = entry.staticFrames;
    auto tracker = ExerciseTracker::create(exercise, to);
    if (!tracker) return tracker.error();
    for (const auto& f : seq.frames) (*tracker)->update(f);
    AnalysisResult r = (*tracker)->result();

    EntryScore s;
    s.id = entry.id;
    s.exercise = entry.exercise;
    s.frames = static_cast<int>(seq.frames.size());
    s.reps = r.reps;
    s.heldS = r.heldMs / 1000.0;
    if (entry.reps) {
        s.repsTrue = entry.reps;
        s.repsOff = r.reps < entry.reps->first ? entry.reps->first - r.reps
                    : r.reps > entry.reps->second ? r.reps - entry.reps->second
                                                  : 0;
    }
    if (entry.holdS) s.holdTrueS = entry.holdS;
    s.viewTrue = entry.view;
    if (entry.labels) {
        const EvalLabels& lab = *entry.labels;
        if (!lab.columnMap.empty() && seq.labels.size() != seq.frames.size())
            return makeError(entry.id + ": labels.column: " + seq.source + " has no label column");
        for (const auto& code : lab.faults) s.form[code];
        for (size_t i = 0; i < seq.frames.size() && i < r.frames.size(); ++i) {
            int idx = static_cast<int>(i);
            if (!seq.frames[i].person) continue;
            if (std::any_of(lab.ignore.begin(), lab.ignore.end(), [&](const FrameRange& g) { return g.contains(idx); }))
                continue;
            std::set<std::string> truth;
            if (!lab.columnMap.empty()) {
                auto it = lab.columnMap.find(seq.labels[i]);
                if (it == lab.columnMap.end()) continue;  // a label the manifest does not score
                truth.insert(it->second.begin(), it->second.end());
            } else {
                for (const auto& [range, faults] : lab.ranges)
                    if (range.contains(idx)) truth.insert(faults.begin(), faults.end());
            }
            // The analysis' verdict on a frame: inside one of its fault episodes (from when the
            // condition began to when it last held; the cue itself waits for min_s), or, judging
            // frames one by one, the frame's own faults.
            const auto& said = r.frames[i].faults;
            int64_t tMs = r.frames[i].tMs;
            for (const auto& code : lab.faults) {
                bool t = truth.count(code) > 0;
                bool p = entry.staticFrames
                             ? std::find(said.begin(), said.end(), code) != said.end()
                             : std::any_of(r.faults.begin(), r.faults.end(), [&](const FaultEvent& e) {
                                   return e.code == code && tMs >= e.startMs && tMs <= e.endMs;
                               });
                FaultScore& fs = s.form[code];
                (t ? (p ? fs.tp : fs.fn) : (p ? fs.fp : fs.tn))++;
            }
        }
    }
    if (entry.view) {
        for (size_t i = 0; i < seq.frames.size() && i < r.frames.size(); ++i) {
            if (!seq.frames[i].person) continue;
            ++s.viewFrames;
            const std::string& v = r.frames[i].view;
            if (v == *entry.view) ++s.viewRight;
            else if (v != "unknown") ++s.viewWrong;
        }
    }
    return s;
}

EvalReport summarize(const EvalManifest& m, std::vector<EntryScore> scores, const std::vector<ExerciseDefinition>& library) {
    EvalReport rep;
    rep.repTolerance = m.repTolerance;
    rep.holdTolerance = m.holdTolerance;
    for (auto& s : scores) {
        s.repsOk = !s.repsTrue || s.repsOff <= m.repTolerance;
        if (s.holdTrueS) {
            if (*s.holdTrueS > 0) {
                s.holdError = std::fabs(s.heldS - *s.holdTrueS) / *s.holdTrueS;
                s.holdOk = s.holdError <= m.holdTolerance;
            } else {
                s.holdError = s.heldS;  // nothing to hold: seconds timed by mistake
                s.holdOk = s.heldS <= 1.0;
            }
        }
    }
    auto add = [](EvalGroup& g, const EntryScore& s) {
        ++g.entries;
        if (s.repsTrue) ++g.repEntries, g.repsOk += s.repsOk;
        if (s.holdTrueS) {
            ++g.holdEntries, g.holdsOk += s.holdOk;
            if (*s.holdTrueS > 0) g.holdErrorSum += s.holdError, ++g.holdErrorCount;
        }
        for (const auto& [code, fs] : s.form) g.form[code] += fs;
        g.viewFrames += s.viewFrames, g.viewRight += s.viewRight, g.viewWrong += s.viewWrong;
    };
    rep.overall.name = "overall";
    std::map<std::string, EvalGroup> byEx;
    for (const auto& s : scores) {
        EvalGroup& g = byEx[s.exercise];
        g.name = s.exercise;
        add(g, s);
        add(rep.overall, s);
    }
    for (auto& [k, g] : byEx) rep.exercises.push_back(g);
    rep.entries = std::move(scores);
    for (const auto& e : library)
        if (!e.timerOnly.empty()) rep.timerOnly.push_back(e.id + ": " + e.timerOnly);

    const EvalFloors& f = m.floors;
    const EvalGroup& o = rep.overall;
    if (f.repsWithin && o.repsOk < *f.repsWithin)
        rep.floorFailures.push_back("reps within " + std::to_string(m.repTolerance) + ": " + std::to_string(o.repsOk) +
                                    " entries, the floor is " + std::to_string(*f.repsWithin));
    if (f.holdsWithin && o.holdsOk < *f.holdsWithin)
        rep.floorFailures.push_back("holds within " + pct(m.holdTolerance) + ": " + std::to_string(o.holdsOk) +
                                    " entries, the floor is " + std::to_string(*f.holdsWithin));
    for (const auto& [code, floor] : f.form) {
        auto it = o.form.find(code);
        std::optional<double> ba = it == o.form.end() ? std::nullopt : it->second.balancedAccuracy();
        if (!ba) rep.floorFailures.push_back(code + ": no labelled frames with and without it to score");
        else if (*ba < floor)
            rep.floorFailures.push_back(code + ": balanced accuracy " + fixed(*ba, 3) + ", the floor is " + fixed(floor, 3));
    }
    if (f.view && o.viewFrames > 0 && static_cast<double>(o.viewRight) / o.viewFrames < *f.view)
        rep.floorFailures.push_back("view right on " + fixed(static_cast<double>(o.viewRight) / o.viewFrames, 3) +
                                    " of frames, the floor is " + fixed(*f.view, 3));
    if (f.timerOnlyMax && static_cast<int>(rep.timerOnly.size()) > *f.timerOnlyMax)
        rep.floorFailures.push_back(std::to_string(rep.timerOnly.size()) + " exercises timer only, at most " +
                                    std::to_string(*f.timerOnlyMax) + " allowed");
    return rep;
}

namespace {

json formJson(const std::map<std::string, FaultScore>& form) {
    json j = json::object();
    for (const auto& [code, fs] : form) {
        json f = {{"tp", fs.tp}, {"fn", fs.fn}, {"tn", fs.tn}, {"fp", fs.fp}};
        auto ba = fs.balancedAccuracy(), se = fs.sensitivity(), sp = fs.specificity();
        f["balanced_accuracy"] = ba ? json(std::round(*ba * 1000) / 1000) : json(nullptr);
        f["sensitivity"] = se ? json(std::round(*se * 1000) / 1000) : json(nullptr);
        f["specificity"] = sp ? json(std::round(*sp * 1000) / 1000) : json(nullptr);
        j[code] = f;
    }
    return j;
}

json groupJson(const EvalGroup& g) {
    json j = {{"entries", g.entries}, {"rep_entries", g.repEntries}, {"reps_within", g.repsOk},
              {"hold_entries", g.holdEntries}, {"holds_within", g.holdsOk}, {"form", formJson(g.form)}};
    j["hold_error_mean"] = g.holdErrorCount ? json(std::round(g.holdErrorSum / g.holdErrorCount * 1000) / 1000) : json(nullptr);
    if (g.viewFrames > 0) {
        j["view_frames"] = g.viewFrames;
        j["view_right"] = std::round(1000.0 * g.viewRight / g.viewFrames) / 1000;
        j["view_wrong"] = std::round(1000.0 * g.viewWrong / g.viewFrames) / 1000;
    }
    return j;
}

std::string formText(const std::map<std::string, FaultScore>& form) {
    std::string out;
    for (const auto& [code, fs] : form) {
        auto ba = fs.balancedAccuracy();
        out += (out.empty() ? "" : ", ") + code + " ";
        if (ba) out += fixed(*ba, 2);
        else if (auto se = fs.sensitivity()) out += "sens " + fixed(*se, 2);
        else if (auto sp = fs.specificity()) out += "spec " + fixed(*sp, 2);
        else out += "-";
        out += " (" + std::to_string(fs.positives()) + "+/" + std::to_string(fs.negatives()) + "-)";
    }
    return out;
}

std::string groupText(const EvalGroup& g, const EvalReport& r) {
    std::string t;
    if (g.repEntries)
        t += "reps within " + std::to_string(r.repTolerance) + " " + std::to_string(g.repsOk) + "/" + std::to_string(g.repEntries);
    if (g.holdEntries) {
        t += (t.empty() ? "" : "; ") + std::string("holds within ") + pct(r.holdTolerance) + " " + std::to_string(g.holdsOk) + "/" +
             std::to_string(g.holdEntries);
        if (g.holdErrorCount) t += " (mean error " + pct(g.holdErrorSum / g.holdErrorCount) + ")";
    }
    if (!g.form.empty()) t += (t.empty() ? "" : "; ") + std::string("form: ") + formText(g.form);
    if (g.viewFrames) t += (t.empty() ? "" : "; ") + std::string("view right ") + pct(static_cast<double>(g.viewRight) / g.viewFrames) +
                           ", wrong " + pct(static_cast<double>(g.viewWrong) / g.viewFrames);
    return t;
}

}  // namespace

json toJson(const EvalReport& r) {
    json entries = json::array();
    for (const auto& s : r.entries) {
        json e = {{"id", s.id}, {"exercise", s.exercise}, {"frames", s.frames}};
        if (s.repsTrue) {
            e["reps"] = s.reps;
            e["reps_true"] = {{"min", s.repsTrue->first}, {"max", s.repsTrue->second}};
            e["reps_off"] = s.repsOff;
            e["reps_ok"] = s.repsOk;
        }
        if (s.holdTrueS) {
            e["held_s"] = std::round(s.heldS * 10) / 10;
            e["hold_true_s"] = *s.holdTrueS;
            e[*s.holdTrueS > 0 ? "hold_error" : "hold_error_s"] = std::round(s.holdError * 1000) / 1000;
            e["hold_ok"] = s.holdOk;
        }
        if (!s.form.empty()) e["form"] = formJson(s.form);
        if (s.viewTrue) {
            e["view_true"] = *s.viewTrue;
            e["view_frames"] = s.viewFrames;
            e["view_right"] = s.viewFrames ? std::round(1000.0 * s.viewRight / s.viewFrames) / 1000 : 0.0;
            e["view_wrong"] = s.viewFrames ? std::round(1000.0 * s.viewWrong / s.viewFrames) / 1000 : 0.0;
        }
        entries.push_back(e);
    }
    json ex = json::object();
    for (const auto& g : r.exercises) ex[g.name] = groupJson(g);
    return {{"entries", entries}, {"exercises", ex}, {"overall", groupJson(r.overall)}, {"timer_only", r.timerOnly},
            {"floors_passed", r.floorFailures.empty()}, {"floor_failures", r.floorFailures}};
}

std::string toText(const EvalReport& r) {
    std::ostringstream o;
    for (const auto& s : r.entries) {
        o << s.id << " (" << s.exercise << ", " << s.frames << " frames):";
        if (s.repsTrue) {
            o << " reps " << s.reps << " of ";
            if (s.repsTrue->first == s.repsTrue->second) o << s.repsTrue->first;
            else o << s.repsTrue->first << "-" << s.repsTrue->second;
            o << (s.repsOk ? " ok" : " WRONG");
        }
        if (s.holdTrueS) {
            o << " | held " << fixed(s.heldS, 1) << " s of " << fixed(*s.holdTrueS, 1);
            if (*s.holdTrueS > 0) o << " (error " << pct(s.holdError) << ")";
            o << (s.holdOk ? " ok" : " WRONG");
        }
        if (!s.form.empty()) o << " | " << formText(s.form);
        if (s.viewTrue && s.viewFrames)
            o << " | view " << *s.viewTrue << " right " << pct(static_cast<double>(s.viewRight) / s.viewFrames) << ", wrong "
              << pct(static_cast<double>(s.viewWrong) / s.viewFrames);
        o << "\n";
    }
    o << "\n";
    for (const auto& g : r.exercises) o << "exercise " << g.name << ": " << groupText(g, r) << "\n";
    o << "\noverall (" << r.overall.entries << " entries): " << groupText(r.overall, r) << "\n";
    o << "timer only (" << r.timerOnly.size() << "):";
    for (const auto& t : r.timerOnly) o << "\n  " << t;
    o << "\n";
    if (r.floorFailures.empty()) o << "floors: all met\n";
    for (const auto& f : r.floorFailures) o << "BELOW THE FLOOR: " << f << "\n";
    return o.str();
}

}  // namespace ptcoach::analysis

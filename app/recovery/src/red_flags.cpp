#include "ptcoach/recovery/red_flags.h"

#include <algorithm>

namespace ptcoach::recovery {

const char* screenKindName(ScreenKind k) { return k == ScreenKind::Full ? "full" : "short"; }

const std::vector<RedFlagQuestion>& redFlagQuestions() {
    static const std::vector<RedFlagQuestion> q = {
        {"bladder_bowel",
         "Have you lost control of your bladder or bowels, or do you have trouble starting to urinate or holding a "
         "bowel movement?",
         true, true, false},
        {"leg_numbness", "Do you have numbness, tingling or weakness in one or both legs, or feel weak or uncoordinated?",
         false, true, false},
        {"leg_pain", "Does the pain travel down one or both legs, especially below the knee?", false, true, false},
        {"trauma", "Did the pain start after a fall, an accident or another injury (could something be broken)?", false,
         true, false},
        {"fever_weight", "Do you have a fever, or have you lost weight without trying in recent weeks?", false, true,
         true},
        {"night_pain", "Is the pain intense and unrelenting at night or when you lie down?", false, false, false},
        {"swelling", "Is there swelling or redness over your back?", false, true, true},
        {"walking", "Are you unable to walk normally, or to sit or stand upright?", false, false, false},
        {"no_improvement", "Has the pain lasted more than 2 weeks, or not improved after 1-2 weeks of rest and self-care?",
         false, false, false},
    };
    return q;
}

std::vector<RedFlagQuestion> questionsFor(ScreenKind kind) {
    std::vector<RedFlagQuestion> out;
    for (const auto& q : redFlagQuestions())
        if (kind == ScreenKind::Full || q.inShort) out.push_back(q);
    return out;
}

Status validateAnswers(ScreenKind kind, const Answers& answers) {
    auto qs = questionsFor(kind);
    for (const auto& answer : answers) {
        const auto& id = answer.first;  // (a structured binding cannot be captured by clang 14)
        if (std::none_of(qs.begin(), qs.end(), [&](const RedFlagQuestion& q) { return id == q.id; }))
            return makeError("red-flag answer '" + id + "' is not a question of the " + screenKindName(kind) + " screen");
    }
    for (const auto& q : qs)
        if (!answers.count(q.id)) return makeError(std::string("red-flag question '") + q.id + "' was not answered");
    return {};
}

ScreenOutcome evaluateScreen(const Answers& answers) {
    ScreenOutcome o;
    for (const auto& q : redFlagQuestions()) {
        auto it = answers.find(q.id);
        if (it == answers.end() || !it->second) continue;
        o.anyYes = true;
        o.emergency = o.emergency || q.emergency;
        o.heatContraindicated = o.heatContraindicated || q.contraindicatesHeat;
        o.yesQuestions.push_back(q.id);
    }
    if (o.emergency)
        o.advice = "Seek emergency care now. Changes in bladder or bowel control with back pain can mean pressure on "
                   "the nerves, which needs urgent treatment. Do not exercise.";
    else if (o.anyYes)
        o.advice = "Please see a clinician (your doctor or physical therapist) before you exercise. Exercise is paused "
                   "for this episode until a therapist clears it.";
    else
        o.advice = "No red flags. You can go ahead, gently, and stop if anything new appears.";
    if (o.heatContraindicated) o.advice += " No heat over swelling or redness, or while you have a fever.";
    return o;
}

ExerciseGate exerciseGate(const std::optional<storage::Episode>& episode,
                          const std::vector<storage::RedFlagScreenRecord>& screens, storage::TimePoint now,
                          std::chrono::minutes shortScreenValidity) {
    ExerciseGate g;
    if (!episode) {
        // No current episode: prevention work, screened before each session all the same.
        auto last = std::max_element(screens.begin(), screens.end(),
                                     [](const auto& a, const auto& b) { return a.takenAt < b.takenAt; });
        if (last == screens.end() || now - last->takenAt > shortScreenValidity) {
            g.needsShortScreen = true;
            g.reason = "Answer the quick safety questions first.";
            return g;
        }
        if (last->anyYes) {
            g.emergency = evaluateScreen(last->answers).emergency;
            g.reason = evaluateScreen(last->answers).advice;
            return g;
        }
        g.allowed = true;
        return g;
    }
    if (episode->blocked) {
        // The screen that blocked it says how urgent it is.
        for (auto it = screens.rbegin(); it != screens.rend(); ++it)
            if (it->anyYes) {
                auto o = evaluateScreen(it->answers);
                g.emergency = o.emergency;
                g.reason = o.advice;
                break;
            }
        if (g.reason.empty())
            g.reason = "A red flag was reported for this episode. See a clinician; exercise stays paused until a "
                       "therapist clears it.";
        return g;
    }
    // A yes in a screen of this episode (e.g. a short one saved by the session screen) stops
    // exercise even before the episode is marked blocked.
    for (auto it = screens.rbegin(); it != screens.rend(); ++it) {
        if (!it->anyYes) continue;
        auto o = evaluateScreen(it->answers);
        g.emergency = o.emergency;
        g.reason = o.anyYes ? o.advice
                            : "A red flag was reported. See a clinician; exercise stays paused until a therapist clears it.";
        return g;
    }
    bool anyFull = std::any_of(screens.begin(), screens.end(), [](const auto& s) { return s.kind == "full"; });
    if (!anyFull) {
        g.needsFullScreen = true;
        g.reason = "Answer the red-flag questions for this episode first.";
        return g;
    }
    storage::TimePoint latest{};
    for (const auto& s : screens) latest = std::max(latest, s.takenAt);
    if (now - latest > shortScreenValidity) {
        g.needsShortScreen = true;
        g.reason = "Answer the quick safety questions before this session.";
        return g;
    }
    g.allowed = true;
    return g;
}

Expected<ExerciseGate> exerciseGateFor(const storage::RecoveryStore& store, storage::Id profileId, storage::TimePoint now) {
    auto ep = store.activeEpisode(profileId);
    if (!ep) return ep.error();
    auto all = store.redFlagScreens(profileId);
    if (!all) return all.error();
    std::vector<storage::RedFlagScreenRecord> mine;
    for (auto& s : *all) {
        // Screens cleared by a therapist no longer count against the episode.
        if (*ep && (*ep)->clearedAt && s.takenAt <= *(*ep)->clearedAt) {
            if (s.episodeId == (*ep)->id || (!s.episodeId && s.takenAt >= (*ep)->onsetAt)) {
                auto copy = s;
                copy.anyYes = false;
                copy.answers.clear();
                mine.push_back(copy);
            }
            continue;
        }
        // This episode's screens, and screens saved without an episode while it was going on.
        if (!*ep || s.episodeId == (*ep)->id || (!s.episodeId && s.takenAt >= (*ep)->onsetAt)) mine.push_back(s);
    }
    return exerciseGate(*ep, mine, now);
}

Expected<ScreenOutcome> recordScreen(storage::RecoveryStore& store, storage::Id profileId,
                                     std::optional<storage::Id> episodeId, ScreenKind kind, const Answers& answers,
                                     storage::TimePoint now) {
    if (Status s = validateAnswers(kind, answers); !s) return makeError(s.message());
    storage::RedFlagScreenRecord r;
    r.profileId = profileId;
    r.episodeId = episodeId;
    r.takenAt = now;
    r.kind = screenKindName(kind);
    r.answers = answers;
    auto id = store.addRedFlagScreen(r);
    if (!id) return id.error();
    return evaluateScreen(answers);
}

}  // namespace ptcoach::recovery

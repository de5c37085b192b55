#include "ptcoach/recovery/red_flags.h"

#include <algorithm>
#include <set>

namespace ptcoach::recovery {

AlertView describeAlert(const storage::RedFlagAlert& a) {
    AlertView v;
    v.alert = a;
    v.tier = safety::tierFromName(a.tier).value_or(safety::Tier::Clinician);
    if (const safety::Question* q = safety::question(a.questionId)) {
        v.question = q->text;
        v.what = q->shortText;
        v.advice = q->advice;
    } else {
        // Schema 3 kept only "the episode is blocked": the screen has the answers.
        v.question = "A red-flag answer saved by an earlier version of PT Coach";
        v.what = "an earlier red-flag answer";
        v.advice = "See a clinician before you exercise: a red-flag question was answered yes.";
    }
    return v;
}

std::vector<std::string> questionIds(ListKind kind) {
    std::vector<std::string> out;
    for (const safety::Question* q : safety::questionsOf(kind)) out.push_back(q->id);
    return out;
}

ExerciseGate exerciseGate(const std::optional<storage::Episode>& episode,
                          const std::vector<storage::RedFlagScreenRecord>& screens,
                          const std::vector<storage::RedFlagAlert>& openAlerts, storage::TimePoint now) {
    ExerciseGate g;
    for (const auto& a : openAlerts) {
        if (!a.open()) continue;
        AlertView v = describeAlert(a);
        const safety::Question* q = safety::question(a.questionId);
        g.heatContraindicated = g.heatContraindicated || (q && q->contraindicatesHeat);
        g.open.push_back(v);
        if (v.tier == safety::Tier::Advice) g.advice.push_back(v);
    }
    std::stable_sort(g.open.begin(), g.open.end(),
                     [](const AlertView& x, const AlertView& y) { return x.alert.answeredAt > y.alert.answeredAt; });
    // The advice of each blocking question once, most urgent tier first.
    std::set<std::string> told;
    for (safety::Tier tier : {safety::Tier::Emergency, safety::Tier::Clinician})
        for (const AlertView& v : g.open) {
            if (v.tier != tier || !told.insert(v.alert.questionId).second) continue;
            g.reason += (g.reason.empty() ? "" : "\n") + v.advice;
            g.emergency = g.emergency || tier == safety::Tier::Emergency;
        }
    if (g.emergency) g.heading = "Seek emergency care now";
    else if (!g.reason.empty()) g.heading = "No exercise until a clinician has seen you";

    // What the check-in asks: the full list once per episode, else the short one, less what was
    // answered moments ago (on the Recovery screen, say).
    bool fullDone = false;
    for (const auto& s : screens) {
        if (!g.lastAnswered || s.takenAt > *g.lastAnswered) g.lastAnswered = s.takenAt;
        if (episode && s.kind == "full" && s.episodeId == episode->id) fullDone = true;
    }
    g.needsFullScreen = episode && !fullDone;
    g.list = g.needsFullScreen ? ListKind::Full : ListKind::Short;
    std::set<std::string> recent;
    for (const auto& s : screens)
        if (now - s.takenAt <= kAnsweredRecently && s.takenAt <= now)
            for (const auto& [id, yes] : s.answers) recent.insert(id);
    for (const std::string& id : questionIds(g.list))
        if (!recent.count(id)) g.ask.push_back(id);
    g.allowed = g.reason.empty();
    return g;
}

Expected<ExerciseGate> exerciseGateFor(const storage::RecoveryStore& store, storage::Id profileId,
                                       storage::TimePoint now) {
    auto ep = store.activeEpisode(profileId);
    if (!ep) return ep.error();
    auto screens = store.redFlagScreens(profileId);
    if (!screens) return screens.error();
    auto open = store.redFlagAlerts(profileId, true);
    if (!open) return open.error();
    return exerciseGate(*ep, *screens, *open, now);
}

Expected<safety::Outcome> recordScreen(storage::RecoveryStore& store, storage::Id profileId,
                                       std::optional<storage::Id> episodeId, ListKind kind,
                                       const std::vector<std::string>& asked, const Answers& answers,
                                       storage::TimePoint now) {
    if (auto problem = safety::checkAnswers(asked, answers)) return makeError("red-flag screen not saved: " + *problem);
    storage::RedFlagScreenRecord r;
    r.profileId = profileId;
    r.episodeId = episodeId;
    r.takenAt = now;
    r.kind = std::string(safety::listKindName(kind));
    r.answers = answers;
    for (const auto& [id, yes] : answers)
        if (yes) r.tiers[id] = std::string(safety::tierName(safety::question(id)->tier));
    auto id = store.addRedFlagScreen(r);
    if (!id) return id.error();
    return safety::evaluate(answers);
}

Status clearAlerts(storage::RecoveryStore& store, storage::Id patientId, storage::Id therapistId,
                   const std::vector<storage::Id>& alertIds, const std::string& note, storage::TimePoint now) {
    storage::AlertResolution how;
    how.kind = "therapist";
    how.by = therapistId;
    how.note = note;
    how.at = now;
    return store.resolveRedFlagAlerts(patientId, alertIds, how);
}

Status recordClinicianClearance(storage::RecoveryStore& store, storage::Id profileId, const std::string& seenOn,
                                const std::string& clinician, storage::TimePoint now) {
    auto open = store.redFlagAlerts(profileId, true);
    if (!open) return open.error();
    if (open->empty()) return makeError("there is no open red flag to clear");
    std::vector<storage::Id> ids;
    for (const auto& a : *open) ids.push_back(a.id);
    storage::AlertResolution how;
    how.kind = "clinician_visit";
    how.by = profileId;
    how.seenOn = seenOn;
    how.clinician = clinician;
    how.note = "Seen by " + (clinician.empty() ? std::string("a clinician") : clinician) + " on " + seenOn +
               " and cleared to exercise (recorded by the person).";
    how.at = now;
    return store.resolveRedFlagAlerts(profileId, ids, how);
}

}  // namespace ptcoach::recovery

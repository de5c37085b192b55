#include "ptcoach/recovery/session_log.h"

#include <algorithm>
#include <cmath>

namespace ptcoach::recovery {

std::string SessionLogItem::doneText() const {
    if (repsPlanned > 0) return std::to_string(repsDone) + " of " + std::to_string(repsPlanned) + " reps";
    return std::to_string(static_cast<int>(std::lround(holdS))) + " of " +
           std::to_string(static_cast<int>(std::lround(holdPlannedS))) + " s held";
}

std::string SessionLogEntry::statusText() const {
    if (!finished()) return "unfinished";
    return completed ? "complete" : "ended early";
}

std::string SessionLogEntry::itemsText() const {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : "; ") + i.title + " " + i.doneText();
    return out.empty() ? "no exercise done" : out;
}

std::string SessionLogEntry::painText() const {
    auto v = [](const std::optional<int>& p) { return p ? std::to_string(*p) : std::string("-"); };
    return "pain " + v(painBefore) + " -> " + v(painAfter);
}

Expected<std::vector<SessionLogEntry>> sessionLog(const storage::RecoveryStore& store, storage::Id profileId,
                                                  const Titles& titles, int limit) {
    auto sessions = store.sessions(profileId);
    if (!sessions) return sessions.error();
    auto results = store.exerciseResults(profileId);
    if (!results) return results.error();
    std::map<storage::Id, std::vector<const storage::ExerciseResultRow*>> bySession;
    for (const auto& r : *results) bySession[r.sessionId].push_back(&r);
    std::vector<SessionLogEntry> out;
    for (auto it = sessions->rbegin(); it != sessions->rend(); ++it) {
        if (limit > 0 && static_cast<int>(out.size()) >= limit) break;
        const storage::SessionRow& s = *it;
        SessionLogEntry e;
        e.id = s.id;
        e.startedAt = s.startedAt;
        e.endedAt = s.endedAt;
        e.programId = s.programId;
        e.programTitle = titles.program(s.programId);
        e.completed = s.completed;
        e.withCamera = s.withCamera;
        e.painBefore = s.painBefore;
        e.painAfter = s.painAfter;
        e.stars = s.stars;
        double sum = 0;
        int judged = 0;
        for (const auto* r : bySession[s.id]) {
            SessionLogItem i;
            i.exerciseId = r->exerciseId;
            i.title = titles.exercise(r->exerciseId);
            i.side = r->side;
            i.setsDone = r->setsDone;
            i.repsDone = r->repsDone;
            i.repsPlanned = r->repsPlanned;
            i.holdS = r->holdS;
            i.holdPlannedS = r->holdPlannedS;
            i.quality = r->quality;
            if (r->quality) {
                sum += *r->quality;
                ++judged;
            }
            e.items.push_back(std::move(i));
        }
        if (judged) e.form = sum / judged;
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace ptcoach::recovery

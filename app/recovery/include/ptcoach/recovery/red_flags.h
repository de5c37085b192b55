#pragma once
// Red-flag screening over the person's history: which questions to ask now, saving a screen (one
// way, from the check-in and the Recovery screen alike), the open alerts each "yes" leaves, the gate
// that decides whether the person may exercise, and the two ways an alert is resolved. The
// questions, their tiers and advice are ptcoach/safety/red_flags.h.
//
// A "yes" of the emergency or clinician tier blocks exercise until it is resolved, whatever the
// clock says and whichever episode is open; an advice-tier "yes" is shown and recorded but blocks
// nothing. A therapist resolves alerts with a note; a person outside a clinic kiosk resolves them by
// recording that a clinician has seen them and cleared them to exercise. Ending an episode
// resolves nothing.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/safety/red_flags.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

using safety::Answers;
using safety::ListKind;

// A question answered (yes or no) this recently is not asked again.
inline constexpr std::chrono::minutes kAnsweredRecently{15};

// An alert in words: its question (or, for a red flag saved before alerts existed, a line saying
// so), its tier and its advice.
struct AlertView {
    storage::RedFlagAlert alert;
    safety::Tier tier = safety::Tier::Clinician;
    std::string question;  // the question as asked
    std::string what;      // a few words naming it
    std::string advice;
};
AlertView describeAlert(const storage::RedFlagAlert& a);

// May the person exercise now, and what does the check-in ask?
struct ExerciseGate {
    bool allowed = false;
    bool emergency = false;                // an open emergency-tier alert
    std::string heading;                   // why not, in a few words ("Seek emergency care now")
    std::string reason;                    // the advice of every open blocking alert, most urgent first
    std::vector<AlertView> open;           // every open alert (blocking and advice), newest first
    std::vector<AlertView> advice;         // the open advice-tier ones (shown, no block)
    bool heatContraindicated = false;      // an open alert of a question that rules out heat
    bool needsFullScreen = false;          // the current episode has not had the full list yet
    ListKind list = ListKind::Short;       // the list the check-in asks from
    std::vector<std::string> ask;          // its questions not answered within kAnsweredRecently
    std::optional<storage::TimePoint> lastAnswered;  // the newest screen's time
};
ExerciseGate exerciseGate(const std::optional<storage::Episode>& episode,
                          const std::vector<storage::RedFlagScreenRecord>& screens,
                          const std::vector<storage::RedFlagAlert>& openAlerts, storage::TimePoint now);
// The same, read from the store for the profile and its current episode.
Expected<ExerciseGate> exerciseGateFor(const storage::RecoveryStore& store, storage::Id profileId, storage::TimePoint now);

// Validates the answers to the questions asked (every one answered, no unknown id) and saves the
// screen with an alert per "yes", in one transaction. `kind` is the list the questions came from.
Expected<safety::Outcome> recordScreen(storage::RecoveryStore& store, storage::Id profileId,
                                       std::optional<storage::Id> episodeId, ListKind kind,
                                       const std::vector<std::string>& asked, const Answers& answers,
                                       storage::TimePoint now);
// The whole list of `kind` asked.
std::vector<std::string> questionIds(ListKind kind);

// A therapist clears open alerts of a patient with a note (who saw them, why it is safe).
Status clearAlerts(storage::RecoveryStore& store, storage::Id patientId, storage::Id therapistId,
                   const std::vector<storage::Id>& alertIds, const std::string& note, storage::TimePoint now);
// The person records that a clinician has seen them and cleared them to exercise: every open alert
// is resolved with that record. `seenOn` is YYYY-MM-DD; `clinician` may be empty.
Status recordClinicianClearance(storage::RecoveryStore& store, storage::Id profileId, const std::string& seenOn,
                                const std::string& clinician, storage::TimePoint now);

}  // namespace ptcoach::recovery

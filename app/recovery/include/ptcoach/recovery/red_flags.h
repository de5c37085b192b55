#pragma once
// Red-flag screening from the clinical notes: a full screen at the start of an episode and a short
// one before each session. Any "yes" stops exercise for the episode (emergency care for bladder or
// bowel changes) until a therapist clears it.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"
#include "ptcoach/storage/recovery_store.h"

namespace ptcoach::recovery {

enum class ScreenKind { Full, Short };
const char* screenKindName(ScreenKind k);  // "full", "short"

struct RedFlagQuestion {
    const char* id;
    const char* text;       // asked as a yes/no question
    bool emergency;         // "yes" means emergency care now
    bool inShort;           // also asked before each session
    bool contraindicatesHeat;  // no heat with this (swelling, redness, fever)
};

// All questions, in the order asked.
const std::vector<RedFlagQuestion>& redFlagQuestions();
std::vector<RedFlagQuestion> questionsFor(ScreenKind kind);

using Answers = std::map<std::string, bool>;

// Every question of the kind answered, and no unknown ids.
Status validateAnswers(ScreenKind kind, const Answers& answers);

struct ScreenOutcome {
    bool anyYes = false;
    bool emergency = false;
    bool heatContraindicated = false;
    std::vector<std::string> yesQuestions;  // ids answered yes
    std::string advice;                     // plain words for the person
};
ScreenOutcome evaluateScreen(const Answers& answers);

// May the person exercise now? Decided from the current episode and the latest screens.
struct ExerciseGate {
    bool allowed = false;
    bool emergency = false;
    bool needsFullScreen = false;   // the episode has not been screened yet
    bool needsShortScreen = false;  // screened, but not within the last `shortScreenValidity`
    std::string reason;             // why not, in plain words
};
ExerciseGate exerciseGate(const std::optional<storage::Episode>& episode,
                          const std::vector<storage::RedFlagScreenRecord>& screensOfEpisode,
                          storage::TimePoint now,
                          std::chrono::minutes shortScreenValidity = std::chrono::minutes(60));

// Convenience over the store: the gate for the profile's current episode.
Expected<ExerciseGate> exerciseGateFor(const storage::RecoveryStore& store, storage::Id profileId, storage::TimePoint now);

// Validates and saves a screen for the profile's episode (blocking it on any yes).
Expected<ScreenOutcome> recordScreen(storage::RecoveryStore& store, storage::Id profileId,
                                     std::optional<storage::Id> episodeId, ScreenKind kind, const Answers& answers,
                                     storage::TimePoint now);

}  // namespace ptcoach::recovery

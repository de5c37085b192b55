#pragma once
// A game played over a guided session: the session (its tracker, its form rules, its plan) does
// the coaching and the counting; the game watches it and turns what it saw into a scene, a score
// and events for sound and animation. Nothing here counts a rep the tracker did not count or asks
// for a rep the plan does not have, so the game state is the coaching.
//
// Score (documented for the person on the end screen and checked by tests against the tracker):
// - each counted rep scores by the worst form fault the tracker saw in it: none 100, an info-level
//   fault 70, a warning 40, an error (a stoop lift, a twist with a load) 0;
// - a clean rep earns 20 more once the clean streak is 3 or longer;
// - the reach game: a rep that falls short of its star scores 40 % of its form points (the
//   streak bonus still counts);
// - holds: 10 points per second held with good form, 3 per second held with a fault showing;
// - only the planned reps and seconds count (the session stops each set at its plan).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ptcoach/analysis/analysis_result.h"
#include "ptcoach/analysis/exercise.h"
#include "ptcoach/engine/session.h"
#include "ptcoach/game/catalog.h"

namespace ptcoach::game {

inline constexpr int kPointsClean = 100, kPointsInfo = 70, kPointsWarning = 40, kPointsError = 0;
inline constexpr int kStreakBonus = 20, kStreakFrom = 3;
inline constexpr int kHoldPointsPerS = 10, kHoldFaultPointsPerS = 3;
inline constexpr double kReachMissFactor = 0.4;

enum class RepGrade { Clean, Info, Warning, Error };  // the worst fault the tracker saw in the rep
const char* repGradeName(RepGrade g);
// The grade of a rep under an exercise's form rules, and the message of its worst fault.
RepGrade gradeRep(const analysis::RepEvent& rep, const analysis::ExerciseDefinition& ex, std::string* reason = nullptr);
int repPoints(RepGrade g);

// How far a value of the exercise's driving measure goes: 0 at its rest threshold ("exit"), 1 at its
// full target, whichever way the measure moves. nullopt for an exercise without rep tracking.
std::optional<float> movementProgress(const analysis::ExerciseDefinition& ex, float value);
// The progress at which the tracker starts counting a rep (its "enter" threshold).
float countThreshold(const analysis::ExerciseDefinition& ex);

struct ScoredRep {
    size_t step = 0;
    int number = 0;         // 1-based over the game
    RepGrade grade = RepGrade::Clean;
    int points = 0;
    int streak = 0;         // clean reps in a row, this one included (0 when not clean)
    std::string reason;     // the worst fault's cue; "" when clean
    std::string side;
    float progress = 0;     // how far the rep went (reach game)
    bool reached = true;    // reach game: the star was caught
};

enum class GameEventKind { Rep, Streak, SetDone, Wobble, Drop, StarCaught, StarMissed };
struct GameEvent {
    GameEventKind kind;
    int points = 0;  // Rep: the rep's points
    int count = 0;   // Rep: reps so far; Streak: its length; SetDone: the set
    std::string text;
};

// What the screen draws, updated by observe().
struct Scene {
    std::string why;         // why the scene falters now, in the cue's words ("" when all is well)
    bool faltering = false;  // a fault is showing, or the person is out of position mid-step
    bool active = false;     // a set is under way (not resting, not paused)
    float wobble = 0;        // 0..1, set by a fault, dying away
    // hold game
    float altitude = 0;      // 0..1 of the sky: the share of the plan's points earned so far
    bool holding = false;    // in the hold (or a rep's top) right now
    // lift game
    enum class Box { Floor, Lifting, Falling } box = Box::Floor;
    float boxHeight = 0;     // 0 on the floor .. 1 at the shelf
    int shelved = 0, dropped = 0;
    // reach game
    float progress = 0;      // the movement now, 0..1 of the full range
    int leanSide = 0;        // -1 toward the person's left, +1 right, 0 unknown
    float target = 0;        // the star, 0..1 of the full range
    int caught = 0;
};

struct GameSetup {
    const GameInfo* game = nullptr;  // nullptr: a plain session (events for sound and particles only)
    float reachTarget = 0;           // reach game: this session's star (0 = the count threshold)
};

struct GameResult {
    std::string gameId, exerciseId;
    int score = 0, reps = 0, repsPlanned = 0, good = 0;
    double heldS = 0, heldPlannedS = 0, goodHeldS = 0;
    std::vector<std::pair<std::string, int>> faults;  // the session's fault episodes, most first
    float bestProgress = 0;  // reach game: the furthest counted rep, 0..1 of the full range
    float reachTarget = 0;
    int caught = 0;
    // "GAME <id>: score S, reps N of M, good N, faults a x2, b x1" (holds: "held S of M s").
    std::string line() const;
};

class GamePlay {
public:
    explicit GamePlay(GameSetup setup);

    // After the session took a frame (pass it, for the scene's lean direction) or ticked (nullptr).
    void observe(const engine::Session& s, int64_t nowMs, const analysis::LandmarkFrame* frame = nullptr);

    const GameSetup& setup() const { return m_setup; }
    const Scene& scene() const { return m_scene; }
    int score() const;
    int reps() const { return static_cast<int>(m_reps.size()); }
    int good() const;
    int streak() const { return m_streak; }
    const std::vector<ScoredRep>& scoredReps() const { return m_reps; }
    std::vector<GameEvent> takeEvents();
    GameResult result(const engine::Session& s) const;

private:
    void scoreRep(const engine::Session& s, size_t step, const analysis::RepEvent& ev);
    void updateScene(const engine::Session& s, int64_t nowMs, const analysis::LandmarkFrame* frame);
    int maxPoints(const engine::Session& s) const;

    GameSetup m_setup;
    Scene m_scene;
    std::vector<ScoredRep> m_reps;
    std::map<size_t, size_t> m_repsSeen;    // step -> rep events already scored
    std::map<size_t, int64_t> m_heldSeen;   // step -> held ms already counted
    int64_t m_goodHeldMs = 0, m_faultHeldMs = 0;
    int m_streak = 0;
    size_t m_step = 0;
    engine::Stage m_stage = engine::Stage::CheckIn;
    bool m_faultShowing = false, m_dropThisRep = false, m_peakSeen = false;
    int64_t m_lastMs = -1;
    std::vector<GameEvent> m_events;
};

}  // namespace ptcoach::game

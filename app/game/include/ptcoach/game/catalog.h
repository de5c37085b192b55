#pragma once
// The exergames: each one is a prescribed exercise in disguise. A game names the exercises it can
// play; the session plan (the program's or the exercise's own dose) says how much, and the same
// tracker and form rules that coach a plain session drive the game's scene and score.
#include <string>
#include <vector>

namespace ptcoach::game {

// Hold: something stays up while the position and form are right (bridge, plank, bird dog).
// Reach: targets inside the range the person has shown (side bend, standing mobility).
// Lift: a box lifted onto a shelf; a stoop, a twist or a load held far wobbles or drops it.
enum class GameKind { Hold, Reach, Lift };
const char* gameKindName(GameKind k);

struct GameInfo {
    std::string id, title;
    GameKind kind = GameKind::Hold;
    std::string tagline;                 // one line for Home and the start screen
    std::vector<std::string> howTo;      // the rules in plain words, for the start screen
    std::vector<std::string> exercises;  // exercise ids it plays, the default first
    const std::string& defaultExercise() const { return exercises.front(); }
    bool plays(const std::string& exerciseId) const;
};

// Every game, in the order --list-games prints them.
const std::vector<GameInfo>& games();
const GameInfo* findGame(const std::string& id);
// The first game that plays this exercise, or nullptr.
const GameInfo* gameForExercise(const std::string& exerciseId);

}  // namespace ptcoach::game

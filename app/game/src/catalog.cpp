#include "ptcoach/game/catalog.h"

#include <algorithm>

namespace ptcoach::game {

const char* gameKindName(GameKind k) {
    switch (k) {
        case GameKind::Hold: return "hold";
        case GameKind::Reach: return "reach";
        case GameKind::Lift: return "lift";
    }
    return "?";
}

bool GameInfo::plays(const std::string& exerciseId) const {
    return std::find(exercises.begin(), exercises.end(), exerciseId) != exercises.end();
}

const std::vector<GameInfo>& games() {
    static const std::vector<GameInfo> list = {
        {"balloon", "Balloon ride", GameKind::Hold,
         "Hold the position well and your balloon climbs; let the form slip and it sinks.",
         {"The balloon rises while you hold the position with good form.",
          "Each good rep lifts it higher; a rep with a fault lifts it less.",
          "When the form slips it wobbles and sinks, and the game says why.",
          "Your plan sets the reps and the hold time: the game never asks for more."},
         {"bridge", "front_plank_modified", "bird_dog", "dead_bug", "wall_sit"}},
        {"stars", "Star reach", GameKind::Reach,
         "Reach for the stars: each one sits just inside the range you have shown.",
         {"A star appears where your last sessions showed you can reach.",
          "Reach it with a smooth, gentle movement to collect it.",
          "The stars move out a little each session, never past what you have shown.",
          "Never force the range: stop if pain increases."},
         {"side_bend", "standing_extension"}},
        {"shelf", "Shelf stacker", GameKind::Lift,
         "Squat-lift the box onto the shelf. Lift well and it stays steady.",
         {"Each rep lifts a box onto the shelf.",
          "A stoop lift or a twist drops the box; a load held far from the body wobbles it.",
          "The game says in words what made it wobble.",
          "Your plan sets the number of lifts: the game never asks for more."},
         {"squat_lift", "hip_hinge", "standing_curl"}},
    };
    return list;
}

const GameInfo* findGame(const std::string& id) {
    for (const auto& g : games())
        if (g.id == id) return &g;
    return nullptr;
}

const GameInfo* gameForExercise(const std::string& exerciseId) {
    for (const auto& g : games())
        if (g.plays(exerciseId)) return &g;
    return nullptr;
}

}  // namespace ptcoach::game

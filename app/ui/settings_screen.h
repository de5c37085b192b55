#pragma once
// The Settings screen (home installations): the person's own profile (name, PIN, their therapist),
// "I am a therapist" (a therapist account on this installation), and the camera. Draw code records
// actions; updateSettings() applies them between frames.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/storage/account_store.h"

namespace ptcoach::ui {

struct UiState;

struct SettingsUi {
    using Action = std::function<void(UiState&)>;
    bool loaded = false;
    std::string loadError;
    std::optional<storage::Account> me;          // the signed-in patient
    std::vector<storage::Account> therapists;    // on this installation's database
    bool meHasHistory = false;                   // sessions, episodes or screens saved

    std::array<char, 64> name{};
    std::array<char, 16> pin{}, pin2{};
    bool confirmRemovePin = false;

    bool therapistForm = false;                  // "I am a therapist" is open
    std::array<char, 64> therapistName{};
    std::array<char, 16> therapistPin{}, therapistPin2{};
    bool keepPatientProfile = false;             // the therapist also exercises with this profile

    std::string notice;
    bool noticeIsError = false;
    std::vector<Action> actions;
};

// Per frame, outside the ImGui frame: applies recorded actions and loads what the screen shows.
void updateSettings(UiState& st);
void drawSettingsScreen(UiState& st);
// Opens Settings with "I am a therapist" showing (first run, Home).
void openTherapistSignUp(UiState& st);

}  // namespace ptcoach::ui

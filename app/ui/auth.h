#pragma once
// Who is using PT Coach right now: sign-in (a profile list or a code, and a PIN on a large keypad),
// sign-out, and the kiosk's rules (idle sign-out, sign-out after leaving the camera's view, the
// therapist PIN to leave). Everything a signed-in person saw is dropped on sign-out.
#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptcoach/storage/account_store.h"

namespace ptcoach::ui {

struct UiState;

struct SignedInUser {
    storage::Id id = 0;
    storage::Role role = storage::Role::Patient;
    std::string name;
};

struct AuthUi {
    bool checked = false;         // whether sign-in is needed has been worked out
    bool required = false;        // kiosk, or the installation has PINs / several profiles
    std::optional<SignedInUser> user;
    std::string error;            // loading profiles failed

    // The sign-in screen.
    std::vector<storage::Account> accounts;  // to pick from (patients and therapists)
    bool byCode = false;          // typing a code instead of picking a name
    std::string code;
    std::optional<storage::Id> picked;
    std::string pin;
    std::string message;          // "Wrong PIN: 3 tries left" ...
    bool messageIsError = false;

    // How the sign-in list names people (kiosk setting kiosk.names): "full" names, first name and
    // "initial" (a kiosk's default), or "codes" only (no list).
    std::string namesShown = "full";

    // A fresh installation's first therapist account.
    std::array<char, 64> setupName{};
    std::array<char, 16> setupPin{}, setupPin2{};

    // Kiosk: a therapist PIN unlocks leaving the app or its settings.
    bool exitPrompt = false;
    std::optional<storage::Id> exitTherapist;
    std::string exitPin;
    std::string exitMessage;
    bool exitAllowed = false;

    // Idle and away tracking (steady clock).
    std::chrono::steady_clock::time_point lastActivity{};
    std::chrono::steady_clock::time_point awaySince{};
    // What the sign-in screens asked for (PIN checks, account creation), done between frames.
    std::vector<std::function<void(UiState&)>> actions;
    bool away = false;
    int idleLimitS = 0;           // sign-out times for the signed-in person (read at sign-in)
    int awayLimitS = 0;
    std::string signedOutReason;  // shown on the sign-in screen after an automatic sign-out
    int signOuts = 0;
};

// The signed-in patient, if a patient is signed in.
std::optional<storage::Id> currentPatient(const UiState& st);
// The same as an Expected, for saving: an error when no patient is signed in.
Expected<storage::Id> signedInPatient(const UiState& st);
// The settings key remembering the signed-in patient's last program.
std::string programSettingKey(const UiState& st);

// Per frame, outside the ImGui frame: works out whether sign-in is needed (signing in the home
// user when it is not), and signs out after the idle time or after the person left the frame.
void updateAuth(UiState& st);
// Inside the frame: the sign-in screen (when nobody is signed in and sign-in is needed).
void drawSignIn(UiState& st);
// The kiosk's "leave" and the therapist PIN prompt.
void drawKioskExitPrompt(UiState& st);
// Signs the account in (its PIN already checked): fresh screens, its sign-out times.
void signInAs(UiState& st, const storage::Account& who);
// Saves what is running, then forgets the person: every screen's state goes.
void signOut(UiState& st, const std::string& reason);
// How a sign-in list shows the account under the kiosk's setting: "Ana Silva", "Ana S.".
std::string shownName(const storage::Account& a, const std::string& namesShown);
// Any input this frame (keys, mouse, text, gamepad) counts as activity.
void noteActivity(UiState& st);

}  // namespace ptcoach::ui

// Sign-in, sign-out and the kiosk's rules (see auth.h).
#include "auth.h"

#include <iostream>
#include <algorithm>
#include <cstdio>

#include "ptcoach/storage/recovery_store.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kKioskIdleS = 120;   // a kiosk signs a patient out after two minutes without input
constexpr int kHomeIdleS = 900;    // a shared home installation: fifteen minutes
constexpr int kAwayS = 60;         // out of the camera's view this long during a session

// A sign-out time in seconds: the command-line flag, else the kiosk setting shared through the
// database, else the default. Read once at sign-in, not every frame.
int limitS(const UiState& st, const std::optional<int>& flag, const char* setting, int fallback) {
    if (flag) return *flag;
    if (st.db) {
        auto v = st.db->setting(setting);
        if (!v) std::cerr << "ptcoach: " << v.error().message << "; using " << fallback << " s\n";
        else if (*v) {
            int n = std::atoi((*v)->c_str());
            if (n >= 10 && n <= 86400) return n;
        }
    }
    return fallback;
}

void loadAccounts(UiState& st) {
    AuthUi& a = st.auth;
    a.accounts.clear();
    if (!st.db) return;
    storage::AccountStore acc(*st.db);
    auto list = acc.accounts();
    if (!list) {
        a.error = list.error().message;
        return;
    }
    a.error.clear();
    a.accounts = std::move(*list);
}

void completeSignIn(UiState& st, const storage::Account& who) {
    AuthUi& a = st.auth;
    a.user = SignedInUser{who.id, who.role, who.name};
    a.pin.clear();
    a.code.clear();
    a.picked.reset();
    a.message.clear();
    a.signedOutReason.clear();
    a.lastActivity = SteadyClock::now();
    a.away = false;
    a.idleLimitS = limitS(st, st.options.idleTimeoutS, "kiosk.idle_s", st.options.kiosk ? kKioskIdleS : kHomeIdleS);
    a.awayLimitS = limitS(st, st.options.awayTimeoutS, "kiosk.away_s", kAwayS);
    // Fresh screens for the person who signed in.
    st.recovery.loaded = false;
    st.session.historyLoaded = false;
    if (!st.options.kiosk && st.screen == Screen::Home) {
        // --screen applies once someone is signed in (a home installation with profiles).
        if (auto s = screenFromName(st.options.screen)) st.go(*s);
    } else {
        st.go(Screen::Home);
    }
}

void trySignIn(UiState& st) {
    AuthUi& a = st.auth;
    if (!st.db) return;
    storage::AccountStore acc(*st.db);
    auto now = std::chrono::system_clock::now();
    Expected<storage::SignInResult> r = a.byCode ? acc.signInWithCode(a.code, a.pin, now)
                                      : a.picked ? acc.signIn(*a.picked, a.pin, now)
                                                 : Expected<storage::SignInResult>(makeError("Pick your name first."));
    a.pin.clear();
    if (!r) {
        a.message = r.error().message;
        a.messageIsError = true;
        return;
    }
    if ((r->outcome == storage::SignInOutcome::Ok || r->outcome == storage::SignInOutcome::NoPinSet) && r->account) {
        if (r->outcome == storage::SignInOutcome::NoPinSet && st.options.kiosk) {
            // A kiosk never lets anyone in without a PIN.
            a.message = "This profile has no PIN yet: ask your therapist to set one.";
            a.messageIsError = true;
            return;
        }
        completeSignIn(st, *r->account);
        return;
    }
    a.message = r->message.empty() ? std::string("Sign-in refused.") : r->message;
    a.messageIsError = true;
    loadAccounts(st);  // lock-outs show in the list
}

void drawKeypad(UiState& st, float width, float bh) {
    AuthUi& a = st.auth;
    float k = st.dpiScale;
    float gap = 10 * k;
    float bw = (width - 2 * gap) / 3;
    ImGui::PushFont(st.fonts.heading);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4, 2));  // the label centred in a short key
    const char* keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "Del"};
    for (int i = 0; i < 12; ++i) {
        if (i % 3) ImGui::SameLine(0, gap);
        if (button(keys[i], ImVec2(bw, bh))) {
            std::string key = keys[i];
            if (key == "Clear") a.pin.clear();
            else if (key == "Del") {
                if (!a.pin.empty()) a.pin.pop_back();
            } else if (a.pin.size() < 8) a.pin += key;
        }
    }
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

}  // namespace

std::optional<storage::Id> currentPatient(const UiState& st) {
    if (st.auth.user && st.auth.user->role == storage::Role::Patient) return st.auth.user->id;
    return std::nullopt;
}

Expected<storage::Id> signedInPatient(const UiState& st) {
    if (auto id = currentPatient(st)) return *id;
    return makeError("no patient is signed in");
}

std::string programSettingKey(const UiState& st) {
    auto id = currentPatient(st);
    return "session.program." + std::to_string(id.value_or(0));
}

void noteActivity(UiState& st) {
    st.auth.lastActivity = SteadyClock::now();
}

void updateAuth(UiState& st) {
    AuthUi& a = st.auth;
    if (!st.db) return;
    auto now = SteadyClock::now();
    if (!a.checked) {
        a.checked = true;
        a.lastActivity = now;
        storage::AccountStore acc(*st.db);
        auto required = acc.signInRequired();
        if (!required) {
            a.error = required.error().message;
            a.required = true;
        } else {
            a.required = st.options.kiosk || *required;
        }
        if (!a.required) {
            // One person at home without PINs: signed in as the home profile.
            storage::RecoveryStore store(*st.db);
            auto id = store.ensureDefaultProfile();
            if (!id) {
                a.error = id.error().message;
                a.required = true;
            } else if (auto p = store.profile(*id)) {
                a.user = SignedInUser{p->id, storage::Role::Patient, p->name};
            }
        }
        if (a.required) loadAccounts(st);
        return;
    }
    if (!a.required || !a.user) return;

    // During a session the person exercising is activity; out of view for long is leaving.
    bool inSession = st.screen == Screen::Session && st.session.session &&
                     (st.session.session->stage() == engine::Stage::Active ||
                      st.session.session->stage() == engine::Stage::Rest ||
                      st.session.session->stage() == engine::Stage::Setup);
    if (inSession && st.camera.hasPose) {
        if (st.camera.pose.person) {
            a.lastActivity = now;
            a.away = false;
        } else if (!a.away) {
            a.away = true;
            a.awaySince = now;
        } else if (now - a.awaySince > std::chrono::seconds(a.awayLimitS)) {
            signOut(st, "You were signed out after leaving the camera's view. Your session was saved.");
            return;
        }
    }
    if (now - a.lastActivity > std::chrono::seconds(a.idleLimitS)) {
        signOut(st, st.session.session ? "You were signed out after a while without activity. Your session was saved."
                                       : "You were signed out after a while without activity.");
    }
}

void signOut(UiState& st, const std::string& reason) {
    AuthUi& a = st.auth;
    std::string saveError = finishSessionForSignOut(st);
    // Nothing of the person stays: the camera picture, every screen's state.
    releaseCamera(st);
    auto audio = std::move(st.session.audio);
    bool muted = st.session.muted;
    st.session = SessionUi{};
    st.session.audio = std::move(audio);
    st.session.muted = muted;
    Beeper beeper = st.recovery.beeper;
    st.recovery = RecoveryUi{};
    st.recovery.beeper = beeper;
    resetTherapist(st);
    a.user.reset();
    a.pin.clear();
    a.code.clear();
    a.picked.reset();
    a.byCode = false;
    a.message.clear();
    a.exitPrompt = false;
    a.exitPin.clear();
    a.away = false;
    a.lastActivity = SteadyClock::now();
    a.signedOutReason = saveError.empty() ? reason : reason + " (but saving failed: " + saveError + ")";
    ++a.signOuts;
    st.screen = Screen::Home;
    if (!a.required) {
        // Nobody to sign in as but the home profile: sign-in is required from now on.
        a.required = true;
    }
    loadAccounts(st);
}

void drawSignIn(UiState& st) {
    AuthUi& a = st.auth;
    float k = st.dpiScale;
    textCentered("PT Coach", st.fonts.title, IM_COL32(255, 255, 255, 255));
    textCentered(st.options.kiosk ? "Welcome! Tap your name, then type your PIN." : "Who is exercising today?",
                 st.fonts.heading, IM_COL32(180, 190, 205, 255));
    recordText("Sign in");
    ImGui::Spacing();
    if (!a.signedOutReason.empty()) {
        textCentered(a.signedOutReason.c_str(), st.fonts.body, kAmber);
        recordText(a.signedOutReason);
    }
    if (!st.db) {
        ImGui::TextColored(ImVec4(1, 0.47f, 0.47f, 1), "Your saved data could not be opened: %s", st.dbError.c_str());
        return;
    }
    if (!a.error.empty()) ImGui::TextColored(ImVec4(1, 0.47f, 0.47f, 1), "%s", a.error.c_str());

    bool anyTherapist = std::any_of(a.accounts.begin(), a.accounts.end(),
                                    [](const auto& x) { return x.role == storage::Role::Therapist; });
    if (!anyTherapist && a.accounts.empty()) {
        // A fresh kiosk: its first therapist account.
        ImGui::Spacing();
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextUnformatted("Set up this installation: create the first therapist account.");
        ImGui::PopFont();
        ImGui::SetNextItemWidth(400 * k);
        ImGui::InputText("Therapist name", a.setupName.data(), a.setupName.size());
        recordItem("Therapist name");
        ImGui::SetNextItemWidth(200 * k);
        ImGui::InputText("Therapist PIN (4-8 digits)", a.setupPin.data(), a.setupPin.size(),
                         ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
        recordItem("Therapist PIN");
        if (button("Create therapist account", ImVec2(0, 56 * k))) {
            storage::AccountStore acc(*st.db);
            auto id = acc.createAccount(a.setupName.data(), storage::Role::Therapist, a.setupPin.data());
            a.setupPin.fill(0);
            if (!id) {
                a.message = id.error().message;
                a.messageIsError = true;
            } else {
                a.message = "Therapist account created: sign in with it to add patients.";
                a.messageIsError = false;
                a.setupName.fill(0);
                loadAccounts(st);
            }
        }
        if (!a.message.empty()) {
            ImGui::TextColored(a.messageIsError ? ImVec4(1, 0.47f, 0.47f, 1) : ImVec4(0.6f, 0.9f, 0.6f, 1), "%s",
                               a.message.c_str());
            recordText(a.message);
        }
        return;
    }

    float W = ImGui::GetContentRegionAvail().x;
    float leftW = W * 0.55f;
    float rightW = W - leftW - 40 * k;
    float H = ImGui::GetContentRegionAvail().y - 60 * k;

    // Left: the names (or the code).
    ImGui::BeginChild("who", ImVec2(leftW, H), true);
    if (button(a.byCode ? "Pick my name instead" : "I have a sign-in code", ImVec2(0, 48 * k))) {
        a.byCode = !a.byCode;
        a.picked.reset();
        a.message.clear();
    }
    ImGui::Spacing();
    if (a.byCode) {
        ImGui::PushFont(st.fonts.heading);
        ImGui::SetNextItemWidth(leftW * 0.6f);
        std::array<char, 16> buf{};
        std::snprintf(buf.data(), buf.size(), "%s", a.code.c_str());
        if (ImGui::InputText("Code", buf.data(), buf.size(), ImGuiInputTextFlags_CharsUppercase))
            a.code = buf.data();
        recordItem("Code");
        ImGui::PopFont();
    } else {
        auto now = std::chrono::system_clock::now();
        auto list = [&](storage::Role role, const char* heading) {
            bool any = false;
            for (const auto& acc : a.accounts) {
                if (acc.role != role) continue;
                if (!any) {
                    ImGui::TextDisabled("%s", heading);
                    any = true;
                }
                std::string label = acc.name + (acc.lockedAt(now) ? "  (locked)" : "") + "##p" + std::to_string(acc.id);
                ImGui::PushFont(st.fonts.heading);
                if (selectable(label.c_str(), a.picked && *a.picked == acc.id, 0, ImVec2(0, 56 * k))) {
                    a.picked = acc.id;
                    a.pin.clear();
                    a.message.clear();
                }
                ImGui::PopFont();
            }
        };
        list(storage::Role::Patient, "Patients");
        ImGui::Spacing();
        list(storage::Role::Therapist, "Therapists");
    }
    ImGui::EndChild();

    // Right: the PIN.
    ImGui::SameLine(0, 40 * k);
    ImGui::BeginChild("pin", ImVec2(rightW, H), false, ImGuiWindowFlags_NoScrollbar);
    std::string who = "PIN";
    if (a.picked)
        for (const auto& acc : a.accounts)
            if (acc.id == *a.picked) who = acc.name + ", your PIN";
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(who.c_str());
    ImGui::PopFont();
    // Typing works too (a keyboard at a desk); the keypad is for touch screens.
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "%s", a.pin.c_str());
    ImGui::PushFont(st.fonts.heading);
    ImGui::SetNextItemWidth(rightW * 0.5f);
    if (ImGui::InputText("Type PIN", buf.data(), buf.size(),
                         ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal |
                             ImGuiInputTextFlags_EnterReturnsTrue)) {
        a.pin = buf.data();
        trySignIn(st);
    } else {
        a.pin = buf.data();
    }
    recordItem("Type PIN");
    ImGui::PopFont();
    // Four keypad rows and the sign-in button share what is left of the height.
    float spacing = ImGui::GetStyle().ItemSpacing.y;
    float bh = std::min(64 * k, (ImGui::GetContentRegionAvail().y - 5 * spacing - 12 * k) / 5);
    drawKeypad(st, rightW - 8 * k, bh);
    ImGui::PushFont(st.fonts.heading);
    bool ready = (a.byCode ? !a.code.empty() : a.picked.has_value()) && a.pin.size() >= 4;
    ImGui::BeginDisabled(!ready);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4, 2));
    if (button("Sign in", ImVec2(rightW - 8 * k, bh))) trySignIn(st);
    ImGui::PopStyleVar();
    ImGui::EndDisabled();
    ImGui::PopFont();
    if (!a.message.empty()) {
        ImGui::TextColored(a.messageIsError ? ImVec4(1, 0.47f, 0.47f, 1) : ImVec4(0.6f, 0.9f, 0.6f, 1), "%s",
                           a.message.c_str());
        recordText(a.message);
    }
    ImGui::EndChild();

    ImGui::TextDisabled("The camera is used only during your exercises. No video is recorded or saved.");
    if (st.options.kiosk) {
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - 160 * k);
        if (button("Staff: leave", ImVec2(150 * k, 0))) {
            a.exitPrompt = true;
            a.exitPin.clear();
            a.exitMessage.clear();
        }
    }
}

void drawKioskExitPrompt(UiState& st) {
    AuthUi& a = st.auth;
    if (!a.exitPrompt) return;
    float k = st.dpiScale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(520 * k, 0));
    ImGui::Begin("Leave the kiosk", nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoResize);
    ImGui::TextWrapped("A therapist's PIN closes PT Coach on this kiosk.");
    for (const auto& t : a.accounts) {
        if (t.role != storage::Role::Therapist) continue;
        std::string label = t.name + "##exit" + std::to_string(t.id);
        if (selectable(label.c_str(), a.exitTherapist && *a.exitTherapist == t.id)) a.exitTherapist = t.id;
    }
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "%s", a.exitPin.c_str());
    ImGui::SetNextItemWidth(200 * k);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    bool enter = ImGui::InputText("Therapist PIN", buf.data(), buf.size(),
                                  ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal |
                                      ImGuiInputTextFlags_EnterReturnsTrue);
    a.exitPin = buf.data();
    recordItem("Therapist PIN");
    if (button("Close PT Coach", ImVec2(0, 48 * k)) || enter) {
        bool ok = false;
        std::string why = "Pick your name first.";
        if (st.db && a.exitTherapist) {
            // Only the picked therapist's PIN is tried: wrong PINs count against that profile alone.
            storage::AccountStore acc(*st.db);
            auto r = acc.signIn(*a.exitTherapist, a.exitPin, std::chrono::system_clock::now());
            ok = r && r->outcome == storage::SignInOutcome::Ok && r->account &&
                 r->account->role == storage::Role::Therapist;
            why = !r ? r.error().message : r->message.empty() ? "That PIN is not right." : r->message;
        }
        a.exitPin.clear();
        if (ok) {
            a.exitAllowed = true;
            st.quit();
        } else {
            a.exitMessage = why;
        }
    }
    ImGui::SameLine();
    if (button("Cancel", ImVec2(0, 48 * k))) a.exitPrompt = false;
    if (!a.exitMessage.empty()) {
        ImGui::TextColored(ImVec4(1, 0.47f, 0.47f, 1), "%s", a.exitMessage.c_str());
        recordText(a.exitMessage);
    }
    ImGui::End();
}

}  // namespace ptcoach::ui

// Sign-in, sign-out and the kiosk's rules (see auth.h).
#include "auth.h"
#include "ptcoach/core/clock.h"

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
    a.namesShown = "full";
    if (st.options.kiosk) {
        auto v = st.db->setting("kiosk.names");
        if (!v) a.error = "The kiosk's name setting could not be read: " + v.error().message;
        std::string mode = v && *v ? **v : std::string();
        a.namesShown = mode == "full" || mode == "codes" ? mode : "initial";
    }
}

}  // namespace

void signInAs(UiState& st, const storage::Account& who) {
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

namespace {

void trySignIn(UiState& st) {
    AuthUi& a = st.auth;
    if (!st.db) return;
    storage::AccountStore acc(*st.db);
    auto now = wallNow();
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
        signInAs(st, *r->account);
        return;
    }
    a.message = r->message.empty() ? std::string("Sign-in refused.") : r->message;
    a.messageIsError = true;
    loadAccounts(st);  // lock-outs show in the list
}

}  // namespace

std::string shownName(const storage::Account& a, const std::string& namesShown) {
    if (namesShown != "initial") return a.name;
    // "Ana Silva" -> "Ana S."; a single name stays as it is.
    auto space = a.name.find(' ');
    if (space == std::string::npos) return a.name;
    auto last = a.name.find_first_not_of(' ', space);
    return last == std::string::npos ? a.name.substr(0, space) : a.name.substr(0, space) + " " + a.name[last] + ".";
}

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
    if (!a.actions.empty()) {
        auto actions = std::move(a.actions);
        a.actions.clear();
        for (auto& act : actions) act(st);
    }
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

namespace {

// The first therapist account of a fresh installation (a kiosk starts here).
void drawFirstTherapist(UiState& st) {
    AuthUi& a = st.auth;
    float k = st.dpiScale;
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextWrapped("Create the first therapist account. Patients are added by a therapist afterwards.");
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::SetNextItemWidth(400 * k);
    ImGui::InputText("Therapist name", a.setupName.data(), a.setupName.size());
    recordItem("Therapist name");
    ImGui::SetNextItemWidth(200 * k);
    ImGui::InputText("Therapist PIN (4-8 digits)", a.setupPin.data(), a.setupPin.size(),
                     ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    recordItem("Therapist PIN");
    ImGui::SetNextItemWidth(200 * k);
    ImGui::InputText("The same PIN again", a.setupPin2.data(), a.setupPin2.size(),
                     ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    recordItem("The same PIN again");
    if (button("Create therapist account", ImVec2(0, 56 * k))) {
        std::string name = a.setupName.data(), pin = a.setupPin.data(), pin2 = a.setupPin2.data();
        a.setupPin.fill(0);
        a.setupPin2.fill(0);
        a.actions.push_back([name, pin, pin2](UiState& s) {
            AuthUi& au = s.auth;
            au.messageIsError = true;
            if (pin != pin2) {
                au.message = "The two PINs are not the same: type the same PIN twice.";
                return;
            }
            storage::AccountStore acc(*s.db);
            auto id = acc.createAccount(name, storage::Role::Therapist, pin);
            if (!id) {
                au.message = "Not created: " + id.error().message;
                return;
            }
            au.message = "Therapist account created for " + name + ". Sign in with it to add patients.";
            au.messageIsError = false;
            au.setupName.fill(0);
            loadAccounts(s);
        });
    }
    if (!a.message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, a.messageIsError ? IM_COL32(255, 120, 120, 255) : IM_COL32(150, 230, 150, 255));
        ImGui::TextWrapped("%s", a.message.c_str());
        ImGui::PopStyleColor();
        recordText(a.message);
    }
}

// A touch keypad that edits `text`: digits, and letters too for sign-in codes.
void drawKeys(UiState& st, std::string& text, size_t maxLen, bool letters, float width, float bh) {
    float k = st.dpiScale;
    float gap = 8 * k;
    ImGui::PushFont(st.fonts.heading);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(2, 2));  // the label centred in a short key
    auto key = [&](const std::string& label, float w) {
        if (!button(label.c_str(), ImVec2(w, bh))) return;
        std::string shown = label.substr(0, label.find("##"));
        if (shown == "Clear") text.clear();
        else if (shown == "Del") {
            if (!text.empty()) text.pop_back();
        } else if (text.size() < maxLen) {
            text += shown;
        }
    };
    if (letters) {
        // The letters sign-in codes use (no I, O, or other look-alikes), then the digits.
        const char* rows[] = {"ABCDEFGH", "JKLMNPQR", "STUVWXYZ"};
        float w = (width - 7 * gap) / 8;
        for (const char* row : rows) {
            for (int i = 0; row[i]; ++i) {
                if (i) ImGui::SameLine(0, gap);
                key(std::string(1, row[i]) + "##key", w);
            }
        }
        float dw = (width - 5 * gap) / 6;
        const char* digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "Del", "Clear"};
        for (int i = 0; i < 12; ++i) {
            if (i % 6) ImGui::SameLine(0, gap);
            key(std::string(digits[i]) + "##key", dw);
        }
    } else {
        float bw = (width - 2 * gap) / 3;
        const char* keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "Del"};
        for (int i = 0; i < 12; ++i) {
            if (i % 3) ImGui::SameLine(0, gap);
            key(keys[i], bw);
        }
    }
    ImGui::PopStyleVar();
    ImGui::PopFont();
}

void requestSignIn(UiState& st) {
    st.auth.actions.push_back([](UiState& s) { trySignIn(s); });
}

}  // namespace

void drawSignIn(UiState& st) {
    AuthUi& a = st.auth;
    float k = st.dpiScale;
    bool fresh = a.accounts.empty() && a.error.empty();
    textCentered("PT Coach", st.fonts.title, IM_COL32(255, 255, 255, 255));
    const char* sub = fresh                          ? "Set up this installation"
                      : !st.options.kiosk           ? "Who is exercising today?"
                      : a.namesShown == "codes"     ? "Welcome! Type your sign-in code, then your PIN."
                                                    : "Welcome! Tap your name, then type your PIN.";
    textCentered(sub, st.fonts.heading, IM_COL32(180, 190, 205, 255));
    recordText("Sign in");
    recordText(sub);
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
    if (fresh) {
        drawFirstTherapist(st);
        return;
    }

    float W = ImGui::GetContentRegionAvail().x;
    float leftW = W * 0.55f;
    float rightW = W - leftW - 40 * k;
    float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetTextLineHeightWithSpacing() * 1.5f;
    float H = ImGui::GetContentRegionAvail().y - footer;
    bool codesOnly = a.namesShown == "codes";
    if (codesOnly) a.byCode = true;
    const storage::Account* picked = nullptr;
    for (const auto& acc : a.accounts)
        if (a.picked && acc.id == *a.picked) picked = &acc;

    // Left: the names (or the code, on its own keypad).
    ImGui::BeginChild("who", ImVec2(leftW, H), true);
    if (!codesOnly && button(a.byCode ? "Pick my name instead" : "I have a sign-in code", ImVec2(0, 48 * k))) {
        a.byCode = !a.byCode;
        a.picked.reset();
        a.code.clear();
        a.message.clear();
    }
    ImGui::Spacing();
    if (a.byCode) {
        ImGui::PushFont(st.fonts.heading);
        ImGui::TextUnformatted("Sign-in code");
        ImGui::SetNextItemWidth(leftW * 0.6f);
        std::array<char, 16> buf{};
        std::snprintf(buf.data(), buf.size(), "%s", a.code.c_str());
        if (ImGui::InputText("Code", buf.data(), buf.size(), ImGuiInputTextFlags_CharsUppercase | ImGuiInputTextFlags_CharsNoBlank))
            a.code = buf.data();
        recordItem("Code");
        ImGui::PopFont();
        float bh = std::min(52 * k, (ImGui::GetContentRegionAvail().y - 6 * ImGui::GetStyle().ItemSpacing.y) / 5);
        drawKeys(st, a.code, 12, true, leftW - 24 * k, bh);
    } else {
        auto now = wallNow();
        auto list = [&](storage::Role role, const char* heading) {
            bool any = false;
            for (const auto& acc : a.accounts) {
                if (acc.role != role) continue;
                if (!any) {
                    ImGui::TextDisabled("%s", heading);
                    any = true;
                }
                std::string label = shownName(acc, a.namesShown) + (acc.lockedAt(now) ? "  (locked)" : "") + "##p" +
                                    std::to_string(acc.id);
                ImGui::PushFont(st.fonts.heading);
                if (selectable(label.c_str(), a.picked && *a.picked == acc.id, 0, ImVec2(0, 56 * k))) {
                    a.picked = acc.id;
                    a.pin.clear();
                    a.message.clear();
                    // At home a profile without a PIN opens at once: there is nothing to type.
                    if (!st.options.kiosk && !acc.hasPin) requestSignIn(st);
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
    if (picked && !picked->hasPin && !st.options.kiosk) {
        ImGui::TextWrapped("%s has no PIN: opening...", picked->name.c_str());
        ImGui::EndChild();
        return;
    }
    std::string who = picked ? shownName(*picked, a.namesShown) + ", your PIN" : std::string("PIN");
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
        requestSignIn(st);
    } else {
        a.pin = buf.data();
    }
    recordItem("Type PIN");
    ImGui::PopFont();
    // Four keypad rows and the sign-in button share what is left of the height.
    float spacing = ImGui::GetStyle().ItemSpacing.y;
    float bh = std::min(64 * k, (ImGui::GetContentRegionAvail().y - 5 * spacing - 12 * k) / 5);
    drawKeys(st, a.pin, 8, false, rightW - 8 * k, bh);
    ImGui::PushFont(st.fonts.heading);
    bool ready = (a.byCode ? !a.code.empty() : a.picked.has_value()) && a.pin.size() >= 4;
    ImGui::BeginDisabled(!ready);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4, 2));
    if (button("Sign in", ImVec2(rightW - 8 * k, bh))) requestSignIn(st);
    ImGui::PopStyleVar();
    ImGui::EndDisabled();
    ImGui::PopFont();
    if (!a.message.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, a.messageIsError ? IM_COL32(255, 120, 120, 255) : IM_COL32(150, 230, 150, 255));
        ImGui::TextWrapped("%s", a.message.c_str());
        ImGui::PopStyleColor();
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
            // One therapist: nobody to pick.
            int therapists = 0;
            for (const auto& t : a.accounts)
                if (t.role == storage::Role::Therapist) {
                    ++therapists;
                    a.exitTherapist = t.id;
                }
            if (therapists != 1) a.exitTherapist.reset();
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
    float w = std::min(560 * k, vp->WorkSize.x * 0.9f);
    ImGui::SetNextWindowSize(ImVec2(w, 0));
    ImGui::Begin("Leave the kiosk", nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoResize);
    ImGui::TextWrapped("A therapist's PIN closes PT Coach on this kiosk.");
    int therapists = 0;
    for (const auto& t : a.accounts)
        if (t.role == storage::Role::Therapist) ++therapists;
    for (const auto& t : a.accounts) {
        if (t.role != storage::Role::Therapist) continue;
        if (therapists == 1) {
            ImGui::Text("Therapist: %s", t.name.c_str());
            recordText("Therapist: " + t.name);
            continue;
        }
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
    drawKeys(st, a.exitPin, 8, false, w - 2 * ImGui::GetStyle().WindowPadding.x, 48 * k);
    if (button("Close PT Coach", ImVec2(0, 48 * k)) || enter) {
        if (!a.exitTherapist) {
            a.exitMessage = "Pick your name first.";
        } else {
            storage::Id who = *a.exitTherapist;
            std::string pin = a.exitPin;
            a.exitPin.clear();
            a.actions.push_back([who, pin](UiState& s) {
                // Only the picked therapist's PIN is tried, and kiosk-exit tries count apart from sign-in.
                storage::AccountStore acc(*s.db);
                auto r = acc.checkKioskExitPin(who, pin, wallNow());
                if (r && r->outcome == storage::SignInOutcome::Ok) {
                    s.auth.exitAllowed = true;
                    s.quit();
                } else {
                    s.auth.exitMessage = !r ? r.error().message : r->message.empty() ? "That PIN is not right." : r->message;
                }
            });
        }
    }
    ImGui::SameLine();
    if (button("Cancel", ImVec2(0, 48 * k))) a.exitPrompt = false;
    if (!a.exitMessage.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 120, 255));
        ImGui::TextWrapped("%s", a.exitMessage.c_str());
        ImGui::PopStyleColor();
        recordText(a.exitMessage);
    }
    ImGui::End();
}

}  // namespace ptcoach::ui

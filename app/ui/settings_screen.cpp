// The Settings screen (see settings_screen.h).
#include "settings_screen.h"

#include "game_ui.h"

#include <algorithm>
#include <cstdio>

#include "ptcoach/storage/recovery_store.h"
#include "therapist_common.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using storage::AccountStore;
using storage::Id;
using storage::Role;
using therapist::setText;
using therapist::text;
using therapist::trimmed;

namespace {

void setNotice(SettingsUi& s, std::string text, bool error) {
    s.notice = std::move(text);
    s.noticeIsError = error;
}

void load(UiState& st) {
    SettingsUi& s = st.settings;
    s.loaded = true;
    s.loadError.clear();
    s.me.reset();
    s.therapists.clear();
    auto pid = currentPatient(st);
    if (!pid || !st.db) return;
    AccountStore accounts(*st.db);
    auto me = accounts.account(*pid);
    if (!me) {
        s.loadError = "Your profile could not be read: " + me.error().message;
        return;
    }
    s.me = *me;
    setText(s.name, me->name);
    auto list = accounts.accounts(Role::Therapist);
    if (list) s.therapists = std::move(*list);
    else s.loadError = "The therapists could not be read: " + list.error().message;
    storage::RecoveryStore store(*st.db);
    auto sessions = store.sessions(*pid);
    auto episodes = store.episodes(*pid);
    auto screens = store.redFlagScreens(*pid);
    s.meHasHistory = !(sessions && sessions->empty() && episodes && episodes->empty() && screens && screens->empty());
}

// "I am a therapist": the account, then signed in as it. An empty "Me" with no history is put away
// unless the person says they exercise with it too.
void createTherapist(UiState& st, std::string name, std::string pin, std::string pin2, bool keepMe) {
    SettingsUi& s = st.settings;
    if (trimmed(name).empty()) return setNotice(s, "Write your name for the therapist account.", true);
    if (pin != pin2) return setNotice(s, "The two PINs are not the same: type the same PIN twice.", true);
    AccountStore accounts(*st.db);
    auto id = accounts.createAccount(trimmed(name), Role::Therapist, pin);
    if (!id) return setNotice(s, "Therapist account not created: " + id.error().message, true);
    if (s.me && !keepMe && !s.meHasHistory) {
        if (Status e = accounts.archive(s.me->id); !e)
            return setNotice(s, "Therapist account created, but the empty profile \"" + s.me->name +
                                    "\" could not be put away: " + e.message(), true);
    }
    auto acc = accounts.account(*id);
    if (!acc) return setNotice(s, "Therapist account created; sign in with it (" + acc.error().message + ").", false);
    signOut(st, "");
    signInAs(st, *acc);
    st.auth.required = true;  // several profiles, or a PIN: whoever comes next picks their name
}

}  // namespace

void openTherapistSignUp(UiState& st) {
    st.settings.therapistForm = true;
    st.go(Screen::Settings);
}

void updateSettings(UiState& st) {
    SettingsUi& s = st.settings;
    if (!st.db) return;
    if (!s.actions.empty()) {
        auto actions = std::move(s.actions);
        s.actions.clear();
        for (auto& a : actions) a(st);
        st.settings.loaded = false;  // reload what the actions changed
    }
    if (st.screen == Screen::Settings && !st.settings.loaded) load(st);
    if (st.screen != Screen::Settings) st.settings.loaded = false;
}

void drawSettingsScreen(UiState& st) {
    SettingsUi& s = st.settings;
    float k = st.dpiScale;
    screenHeader(st, "Settings");
    if (!s.notice.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, s.noticeIsError ? kRed : kGreen);
        ImGui::TextWrapped("%s", s.notice.c_str());
        ImGui::PopStyleColor();
        recordText(s.notice);
    }
    if (!s.loadError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s", s.loadError.c_str());
        ImGui::PopStyleColor();
    }
    if (!s.me) {
        ImGui::TextUnformatted("Loading...");
        return;
    }
    const storage::Account& me = *s.me;
    float gap = 24 * k;
    float colW = (ImGui::GetContentRegionAvail().x - gap) * 0.5f;
    float fieldW = colW * 0.55f;

    ImGui::BeginChild("profile", ImVec2(colW, 0), false, ImGuiWindowFlags_NavFlattened);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Your profile");
    ImGui::PopFont();
    ImGui::SetNextItemWidth(fieldW);
    ImGui::InputText("Your name##settings", s.name.data(), s.name.size());
    recordItem("Your name");
    ImGui::SameLine();
    ImGui::BeginDisabled(trimmed(text(s.name)).empty() || trimmed(text(s.name)) == me.name);
    if (button("Save name")) {
        std::string name = trimmed(text(s.name));
        Id id = me.id;
        s.actions.push_back([id, name](UiState& u) {
            AccountStore accounts(*u.db);
            if (Status e = accounts.rename(id, name); !e) return setNotice(u.settings, "Name not saved: " + e.message(), true);
            if (u.auth.user && u.auth.user->id == id) u.auth.user->name = name;
            setNotice(u.settings, "Saved: you are " + name + ".", false);
        });
    }
    ImGui::EndDisabled();

    ImGui::Spacing();
    std::string pinState = me.hasPin ? "Your profile has a PIN: it is asked when you sign in."
                                     : "No PIN: anyone at this computer can open your profile.";
    ImGui::TextWrapped("%s", pinState.c_str());
    recordText(pinState);
    ImGui::SetNextItemWidth(fieldW * 0.6f);
    ImGui::InputText("New PIN (4-8 digits)##settings", s.pin.data(), s.pin.size(),
                     ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    recordItem("New PIN");
    ImGui::SetNextItemWidth(fieldW * 0.6f);
    ImGui::InputText("The same PIN again##settings", s.pin2.data(), s.pin2.size(),
                     ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
    recordItem("The same PIN again");
    ImGui::BeginDisabled(s.pin[0] == 0);
    if (button(me.hasPin ? "Change PIN" : "Set PIN")) {
        std::string pin = text(s.pin), pin2 = text(s.pin2);
        s.pin.fill(0);
        s.pin2.fill(0);
        Id id = me.id;
        s.actions.push_back([id, pin, pin2](UiState& u) {
            if (pin != pin2) return setNotice(u.settings, "PIN not set: the two PINs are not the same.", true);
            AccountStore accounts(*u.db);
            if (Status e = accounts.setPin(id, pin); !e) return setNotice(u.settings, "PIN not set: " + e.message(), true);
            u.auth.required = true;  // from now on the PIN is asked at sign-in
            setNotice(u.settings, "PIN set: it is asked the next time you sign in.", false);
        });
    }
    ImGui::EndDisabled();
    if (me.hasPin) {
        ImGui::SameLine();
        if (!s.confirmRemovePin) {
            if (button("Remove PIN")) s.confirmRemovePin = true;
        } else {
            if (button("Yes, remove my PIN")) {
                s.confirmRemovePin = false;
                Id id = me.id;
                s.actions.push_back([id](UiState& u) {
                    AccountStore accounts(*u.db);
                    if (Status e = accounts.setPin(id, ""); !e)
                        return setNotice(u.settings, "PIN not removed: " + e.message(), true);
                    setNotice(u.settings, "PIN removed.", false);
                });
            }
            ImGui::SameLine();
            if (button("Keep it")) s.confirmRemovePin = false;
        }
    }

    ImGui::Spacing();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Your therapist");
    ImGui::PopFont();
    std::string current = "None: your history is yours alone.";
    for (const auto& t : s.therapists)
        if (me.therapistId && *me.therapistId == t.id)
            current = t.name + " sees your sessions, pain and red flags, and can assign you a program.";
    ImGui::TextWrapped("%s", current.c_str());
    recordText(current);
    if (s.therapists.empty()) {
        ImGui::TextDisabled("No therapist has an account on this computer yet.");
    } else {
        for (const auto& t : s.therapists) {
            bool mine = me.therapistId && *me.therapistId == t.id;
            if (mine) continue;
            std::string label = "Link to " + t.name + "##link" + std::to_string(t.id);
            if (button(label.c_str())) {
                Id pid = me.id, tid = t.id;
                std::string tname = t.name;
                s.actions.push_back([pid, tid, tname](UiState& u) {
                    AccountStore accounts(*u.db);
                    if (Status e = accounts.setTherapist(pid, tid); !e)
                        return setNotice(u.settings, "Not linked: " + e.message(), true);
                    setNotice(u.settings, "Linked: " + tname + " is your therapist now.", false);
                });
            }
        }
        if (me.therapistId && button("Unlink my therapist")) {
            Id pid = me.id;
            s.actions.push_back([pid](UiState& u) {
                AccountStore accounts(*u.db);
                if (Status e = accounts.setTherapist(pid, std::nullopt); !e)
                    return setNotice(u.settings, "Not unlinked: " + e.message(), true);
                setNotice(u.settings, "Unlinked: your history is yours alone.", false);
            });
        }
    }
    ImGui::EndChild();

    ImGui::SameLine(0, gap);
    ImGui::BeginChild("more", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("I am a therapist");
    ImGui::PopFont();
    if (!s.therapistForm) {
        ImGui::TextWrapped("Therapists build programs, assign them and read their patients' progress. A therapist "
                           "account has its own name and PIN.");
        if (button("I am a therapist")) s.therapistForm = true;
    } else {
        ImGui::SetNextItemWidth(fieldW);
        ImGui::InputText("Therapist name##signup", s.therapistName.data(), s.therapistName.size());
        recordItem("Therapist name");
        ImGui::SetNextItemWidth(fieldW * 0.6f);
        ImGui::InputText("Therapist PIN (4-8 digits)##signup", s.therapistPin.data(), s.therapistPin.size(),
                         ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
        recordItem("Therapist PIN");
        ImGui::SetNextItemWidth(fieldW * 0.6f);
        ImGui::InputText("The same PIN again##signup", s.therapistPin2.data(), s.therapistPin2.size(),
                         ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal);
        recordItem("Therapist PIN again");
        if (!s.meHasHistory) {
            checkbox(("I also exercise with PT Coach as \"" + me.name + "\"##keepme").c_str(), &s.keepPatientProfile);
        } else {
            ImGui::TextWrapped("Your patient profile \"%s\" stays, with its history.", me.name.c_str());
        }
        if (button("Create therapist account")) {
            std::string name = text(s.therapistName), pin = text(s.therapistPin), pin2 = text(s.therapistPin2);
            bool keep = s.keepPatientProfile;
            s.therapistPin.fill(0);
            s.therapistPin2.fill(0);
            s.actions.push_back([name, pin, pin2, keep](UiState& u) { createTherapist(u, name, pin, pin2, keep); });
        }
        ImGui::SameLine();
        if (button("Cancel##signup")) s.therapistForm = false;
    }

    ImGui::Spacing();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Text");
    ImGui::PopFont();
    drawTextSizeRow(st);

    ImGui::Spacing();
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted("Camera");
    ImGui::PopFont();
    std::string cam = st.options.video ? "A video stands in for the camera: " + st.options.video->string()
                                       : "Camera " + std::to_string(st.options.camera) + " (the first one is 0).";
    ImGui::TextWrapped("%s", cam.c_str());
    recordText(cam);
    if (!st.options.video) {
        if (button("Previous camera") && st.options.camera > 0) {
            --st.options.camera;
            releaseCamera(st);
        }
        ImGui::SameLine();
        if (button("Next camera") && st.options.camera < 63) {
            ++st.options.camera;
            releaseCamera(st);
        }
        ImGui::SameLine();
        if (button("Try it")) st.go(Screen::Camera);
    }
    ImGui::EndChild();
}

}  // namespace ptcoach::ui

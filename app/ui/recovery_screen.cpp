// The Recovery screen (episode, red-flag screening, ice/heat timer, check-in, water) and the
// per-frame recovery hook. Draw functions read RecoveryUi and record actions; updateRecovery()
// runs them against the database between frames, each write one transaction.
#include "ptcoach/core/clock.h"
#include "ptcoach/recovery/progress.h"
#include "recovery_screen.h"

#include "game_ui.h"

#include <SDL2/SDL.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <iostream>

#include "ptcoach/recovery/export.h"
#include "ptcoach/storage/account_store.h"
#include "ui_state.h"
#include "widgets.h"

namespace ptcoach::ui {

using namespace std::chrono;
using recovery::ThermalTimers;
using recovery::TimerState;
using storage::RecoveryStore;
using storage::TimePoint;

namespace {

const char* kAshworth[] = {"not sure", "0", "1", "1+", "2", "3", "4"};

std::string hhmm(TimePoint t) { return recovery::localText(t, "%H:%M"); }
std::string dayTime(TimePoint t) { return recovery::localText(t, "%a %d %b, %H:%M"); }

std::string clockText(seconds s) {
    long long v = std::max<long long>(0, s.count());
    char b[16];
    std::snprintf(b, sizeof b, "%02lld:%02lld", v / 60, v % 60);
    return b;
}

std::string inText(TimePoint t, TimePoint now) {
    auto m = duration_cast<minutes>(t - now).count();
    if (m <= 0) return "now";
    if (m < 60) return "in " + std::to_string(m) + " min";
    return "at " + hhmm(t);
}

void coloredWrapped(ImU32 colour, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextWrapped("%s", text.c_str());
    ImGui::PopStyleColor();
}

void heading(UiState& st, const char* text) {
    ImGui::PushFont(st.fonts.heading);
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
    recordText(text);
}

// ------------------------------------------------------------------------------------------
// Sound

void beep(Beeper& b) {
    if (!b.tried) {
        b.tried = true;
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
            b.error = std::string("no audio: ") + SDL_GetError();
        } else {
            SDL_AudioSpec want{}, have{};
            want.freq = 44100;
            want.format = AUDIO_F32SYS;
            want.channels = 1;
            want.samples = 1024;
            b.device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
            if (b.device == 0) b.error = std::string("no audio device: ") + SDL_GetError();
        }
        if (!b.error.empty()) std::cerr << "ptcoach: timer sounds are off (" << b.error << "); banners still show\n";
    }
    if (b.device == 0) return;
    // Three soft 880 Hz chimes.
    const int rate = 44100;
    std::vector<float> pcm;
    for (int n = 0; n < 3; ++n) {
        for (int i = 0; i < rate * 18 / 100; ++i) {
            float t = static_cast<float>(i) / rate;
            float env = std::min(1.0f, t * 40.0f) * std::exp(-t * 9.0f);
            pcm.push_back(0.35f * env * std::sin(2.0f * 3.14159265f * 880.0f * t));
        }
        pcm.insert(pcm.end(), rate / 10, 0.0f);
    }
    SDL_QueueAudio(b.device, pcm.data(), static_cast<Uint32>(pcm.size() * sizeof(float)));
    SDL_PauseAudioDevice(b.device, 0);
    ++b.beeps;
}

void addBanner(RecoveryUi& r, std::string text, bool alert, TimePoint now) {
    r.banners.push_back({std::move(text), alert, now + seconds(120)});
}

// ------------------------------------------------------------------------------------------
// Model

void refresh(UiState& st, RecoveryStore& store, TimePoint now) {
    RecoveryUi& r = st.recovery;
    auto fail = [&](const std::string& m) { r.error = m; };
    auto ep = store.activeEpisode(r.profileId);
    if (!ep) return fail(ep.error().message);
    r.episode = *ep;
    auto th = ThermalTimers(store, r.profileId).status(now);
    if (!th) return fail(th.error().message);
    r.thermal = *th;
    auto gate = recovery::exerciseGateFor(store, r.profileId, now);
    if (!gate) return fail(gate.error().message);
    r.gate = *gate;
    auto alerts = store.redFlagAlerts(r.profileId);
    if (!alerts) return fail(alerts.error().message);
    r.alerts.clear();
    for (const auto& a : *alerts) r.alerts.push_back(recovery::describeAlert(a));
    auto scr = store.latestRedFlagScreen(r.profileId, r.episode ? std::optional(r.episode->id) : std::nullopt);
    if (!scr) return fail(scr.error().message);
    r.lastScreen = *scr;
    auto cis = store.checkIns(r.profileId);
    if (!cis) return fail(cis.error().message);
    r.lastCheckIn = cis->empty() ? std::nullopt : std::optional(cis->back());
    TimePoint today = recovery::startOfLocalDay(now);
    auto water = store.hydrationBetween(r.profileId, today, recovery::addLocalDays(today, 1));
    if (!water) return fail(water.error().message);
    r.waterTodayMl = *water;
    libraryTitles(st);  // loads the library once
    auto planned = recovery::plannedSessionsPerWeek(store.database(), r.profileId,
                                                    programDaysPerWeek(store.database(), r.profileId, st.session.library));
    if (!planned) return fail(planned.error().message);
    r.plannedPerWeek = *planned;
    recovery::ProgressOptions po;
    po.titles = libraryTitles(st);
    po.plannedPerWeek = r.plannedPerWeek;
    auto prog = recovery::buildProgress(store, r.profileId, now, po);
    if (!prog) return fail(prog.error().message);
    r.progress = *prog;
    r.error.clear();
}

void setNotice(RecoveryUi& r, const std::string& text, bool isError) {
    r.notice = text;
    r.noticeIsError = isError;
}

// Timers whose time is up (also while the app was closed) and reminders that fell due.
void tick(UiState& st, RecoveryStore& store, TimePoint now) {
    RecoveryUi& r = st.recovery;
    auto done = ThermalTimers(store, r.profileId).finishDue(now);
    if (!done) {
        r.error = done.error().message;
        return;
    }
    for (const auto& a : *done) {
        bool ice = a.kind == "ice";
        TimePoint end = *a.endedAt;
        bool whileAway = now - end > seconds(90);
        int mins = a.plannedS / 60;
        std::string text = std::string(ice ? "Ice" : "Heat") + " done: " + std::to_string(mins) +
                           (mins == 1 ? " minute" : " minutes") + " ended at " + hhmm(end) + (whileAway ? " (while PT Coach was closed)" : "") +
                           ". Take the pack off; rest your skin at least " +
                           (ice ? "40-60" : "20-30") + " minutes.";
        addBanner(r, text, true, now);
        if (!whileAway && !st.session.muted) beep(r.beeper);  // --mute and M silence the chime too
    }
    bool hadDue = r.thermal.nextDue && *r.thermal.nextDue > r.lastReminderCheck;
    refresh(st, store, now);
    if (hadDue && r.thermal.nextDue && *r.thermal.nextDue <= now && r.lastReminderCheck.time_since_epoch().count() != 0 &&
        r.thermal.state == TimerState::Ready) {
        addBanner(r, std::string("Time for your next ") + recovery::thermalKindName(r.thermal.advised) +
                         " application (15 minutes, a cloth between skin and pack).",
                  false, now);
        if (!st.session.muted) beep(r.beeper);
    }
    r.lastReminderCheck = now;
}

}  // namespace

void openClinicianClearance(UiState& st) {
    if (st.options.kiosk) return;  // at a clinic, the therapist clears red flags
    st.recovery.clearance = ClearanceForm{};
    st.recovery.clearance.open = true;
    std::snprintf(st.recovery.clearance.seenOn.data(), st.recovery.clearance.seenOn.size(), "%s",
                  recovery::localText(wallNow(), "%Y-%m-%d").c_str());
}

void requestRecoveryRefresh(UiState& st) {
    st.recovery.actions.push_back([](UiState& s, RecoveryStore& store, TimePoint now) { refresh(s, store, now); });
}

void updateRecovery(UiState& st) {
    RecoveryUi& r = st.recovery;
    if (!st.db) return;
    RecoveryStore store(*st.db);
    TimePoint now = wallNow();
    if (!r.loaded) {
        auto pid = currentPatient(st);
        if (!pid) return;  // nobody (or a therapist) signed in: no patient's timers run here
        r.loaded = true;
        r.profileId = *pid;
        r.lastReminderCheck = TimePoint{};
        tick(st, store, now);  // timers that ended while the app was closed
        r.lastTick = now;
    }
    if (r.profileId == 0) return;
    if (!r.actions.empty()) {
        auto actions = std::move(r.actions);
        r.actions.clear();
        for (auto& a : actions) a(st, store, now);
        refresh(st, store, now);
    }
    if (now - r.lastTick >= seconds(1)) {
        r.lastTick = now;
        tick(st, store, now);
    }
    r.banners.erase(std::remove_if(r.banners.begin(), r.banners.end(), [&](const Banner& b) { return b.until < now; }),
                    r.banners.end());
}

void releaseRecovery(UiState& st) {
    if (st.recovery.beeper.device) SDL_CloseAudioDevice(st.recovery.beeper.device);
    st.recovery.beeper.device = 0;
}

void drawRecoveryBanners(UiState& st) {
    RecoveryUi& r = st.recovery;
    r.bannerHeight = 0;
    if (r.banners.empty()) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    float w = std::min(vp->WorkSize.x * 0.8f, 980.0f * st.dpiScale);
    // At the bottom, above the captions, clear of every screen's header (Home, Sign out) and of the
    // person's head; the screens end above it (drawUi), so it covers no button.
    float bottom = vp->WorkPos.y + vp->WorkSize.y - captionStripHeight(st) - 6 * st.dpiScale;
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, bottom), ImGuiCond_Always, ImVec2(0.5f, 1.0f));
    ImGui::SetNextWindowSize(ImVec2(w, 0));
    ImGui::SetNextWindowBgAlpha(0.97f);
    bool alert = std::any_of(r.banners.begin(), r.banners.end(), [](const Banner& b) { return b.alert; });
    ImGui::PushStyleColor(ImGuiCol_WindowBg, alert ? IM_COL32(120, 62, 10, 255) : IM_COL32(18, 92, 86, 255));
    ImGui::PushStyleColor(ImGuiCol_Border, alert ? kOrange : kTeal);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.0f * st.dpiScale);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 14.0f * st.dpiScale);
    ImGui::Begin("##recovery-banners", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
    int dismiss = -1;
    for (size_t i = 0; i < r.banners.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        ImGui::PushFont(st.fonts.heading);
        ImGui::PushTextWrapPos(w - 150 * st.dpiScale);
        ImGui::TextWrapped("%s", r.banners[i].text.c_str());
        ImGui::PopTextWrapPos();
        recordText(r.banners[i].text);
        ImGui::PopFont();
        ImGui::SameLine(w - 120 * st.dpiScale);
        if (button("OK", ImVec2(90 * st.dpiScale, 0))) dismiss = static_cast<int>(i);
        ImGui::PopID();
    }
    r.bannerHeight = ImGui::GetWindowHeight() + 12 * st.dpiScale;
    ImGui::End();
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor(2);
    if (dismiss >= 0) r.banners.erase(r.banners.begin() + dismiss);  // UI state only, after the loop
}

// ------------------------------------------------------------------------------------------
// Drawing

namespace {

void drawScreenForm(UiState& st) {
    RecoveryUi& r = st.recovery;
    ScreenForm& f = r.screen;
    heading(st, f.kind == recovery::ListKind::Full ? "Red-flag questions for this episode"
                                                   : "Quick safety check before your session");
    ImGui::TextWrapped("Answer each one honestly. A \"yes\" tells you who to see; most of them pause exercise until a "
                       "clinician has checked.");
    ImGui::Spacing();
    ImGui::BeginChild("questions", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() * 1.6f), false,
                      ImGuiWindowFlags_NavFlattened);
    if (ImGui::IsWindowAppearing()) ImGui::SetScrollY(0);  // opens at the first (emergency) question
    float btn = 110 * st.dpiScale;
    int missing = 0;
    for (size_t i = 0; i < f.asked.size(); ++i) {
        const safety::Question* q = safety::question(f.asked[i]);
        if (!q) continue;
        auto it = f.answers.find(q->id);
        int a = it == f.answers.end() ? -1 : it->second;
        bool miss = f.tried && a < 0;
        missing += miss ? 1 : 0;
        float textW = ImGui::GetContentRegionAvail().x - 2 * btn - 40 * st.dpiScale;
        ImVec2 start = ImGui::GetCursorPos();
        ImGui::PushTextWrapPos(start.x + textW);
        if (miss) ImGui::PushStyleColor(ImGuiCol_Text, kAmber);
        ImGui::TextWrapped("%zu. %s%s", i + 1, q->text.c_str(), q->tier == safety::Tier::Emergency ? "  (emergency)" : "");
        if (miss) {
            ImGui::TextUnformatted("Answer yes or no.");
            ImGui::PopStyleColor();
            recordText("Answer yes or no: " + q->shortText);
        }
        ImGui::PopTextWrapPos();
        float after = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(ImVec2(start.x + textW + 20 * st.dpiScale, start.y));
        // Yes first, then No: the same order as the session's check-in.
        ImGui::PushStyleColor(ImGuiCol_Button, a == 1 ? IM_COL32(200, 60, 60, 255) : IM_COL32(60, 66, 84, 255));
        if (button(("Yes##" + q->id).c_str(), ImVec2(btn, 0))) f.answers[q->id] = 1;
        ImGui::PopStyleColor();
        if (i == 0 && ImGui::IsWindowAppearing()) ImGui::SetItemDefaultFocus();
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Button, a == 0 ? IM_COL32(38, 140, 110, 255) : IM_COL32(60, 66, 84, 255));
        if (button(("No##" + q->id).c_str(), ImVec2(btn, 0))) f.answers[q->id] = 0;
        ImGui::PopStyleColor();
        ImGui::SetCursorPosY(std::max(after, ImGui::GetCursorPosY()) + 6 * st.dpiScale);
        ImGui::Separator();
    }
    ImGui::EndChild();
    bool complete = std::all_of(f.asked.begin(), f.asked.end(), [&](const std::string& id) { return f.answers.count(id) > 0; });
    if (button("None of these")) // every question "no"; a "yes" is then one click on its row
        for (const auto& id : f.asked) f.answers[id] = 0;
    ImGui::SameLine();
    if (button("Save my answers")) {
        if (!complete) {
            f.tried = true;
        } else {
            recovery::Answers answers;
            for (const auto& id : f.asked) answers[id] = f.answers[id] == 1;
            auto kind = f.kind;
            auto asked = f.asked;
            r.actions.push_back([answers, kind, asked](UiState& s, RecoveryStore& store, TimePoint now) {
                RecoveryUi& rr = s.recovery;
                auto ep = store.activeEpisode(rr.profileId);
                std::optional<storage::Id> eid;
                if (ep && *ep) eid = (*ep)->id;
                auto out = recovery::recordScreen(store, rr.profileId, eid, kind, asked, answers, now);
                if (!out) return setNotice(rr, "Not saved: " + out.error().message, true);
                rr.screen.open = false;
                if (!out->anyYes) setNotice(rr, "Saved: no red flags. You can go ahead, gently, and stop if anything new appears.", false);
                else setNotice(rr, out->heading + ". " + out->advice, out->blocked);  // with the red card, above
                s.session.blockedReason.clear();  // the session screen looks at the gate again
            });
        }
    }
    ImGui::SameLine();
    if (button("Cancel")) f.open = false;  // form state only
    if (missing > 0) {
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        std::string line = std::to_string(missing) + (missing == 1 ? " question still needs" : " questions still need") +
                           " an answer (marked above).";
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kAmber), "%s", line.c_str());
        recordText(line);
    }
}

void openScreen(RecoveryUi& r, recovery::ListKind kind) {
    r.screen = ScreenForm{};
    r.screen.open = true;
    r.screen.kind = kind;
    r.screen.asked = recovery::questionIds(kind);
}

// "A clinician has seen me": the details, then a confirmation on a second screen.
void drawClearance(UiState& st) {
    RecoveryUi& r = st.recovery;
    ClearanceForm& f = r.clearance;
    std::vector<const recovery::AlertView*> open;
    for (const auto& v : r.gate.open) open.push_back(&v);
    if (!f.confirming) {
        heading(st, "A clinician has seen me");
        ImGui::TextWrapped("Record this only after a doctor, physical therapist or other clinician has seen you about "
                           "what you answered, and told you that you may exercise. It resolves these red flags:");
        for (const auto* v : open) {
            std::string line = std::string(safety::tierLabel(v->tier)) + ": " + v->what + " (answered " +
                               dayTime(v->alert.answeredAt) + ")";
            ImGui::BulletText("%s", line.c_str());
            recordText(line);
        }
        ImGui::Spacing();
        ImGui::SetNextItemWidth(200 * st.dpiScale);
        ImGui::InputTextWithHint("Day you were seen (YYYY-MM-DD)", "YYYY-MM-DD", f.seenOn.data(), f.seenOn.size());
        recordItem("Day you were seen");
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.5f);
        ImGui::InputTextWithHint("Clinician or clinic (optional)", "e.g. Dr Lee, Riverside Physio", f.clinician.data(),
                                 f.clinician.size());
        recordItem("Clinician or clinic");
        if (!f.error.empty()) coloredWrapped(kRed, f.error);
        if (button("Next")) {
            std::string day = f.seenOn.data();
            std::string today = recovery::localText(wallNow(), "%Y-%m-%d");
            if (!storage::isCalendarDate(day)) f.error = "Write the day you were seen as YYYY-MM-DD, for example " + today + ".";
            else if (day > today) f.error = "The day you were seen (" + day + ") is after today.";
            else {
                f.error.clear();
                f.confirming = true;
            }
        }
        ImGui::SameLine();
        if (button("Cancel")) r.clearance = ClearanceForm{};
        return;
    }
    heading(st, "Please confirm");
    std::string who = f.clinician[0] ? std::string(f.clinician.data()) : std::string("a clinician");
    std::string text = "You are recording that " + who + " saw you on " + std::string(f.seenOn.data()) +
                       " and cleared you to exercise. This is kept in your history, printed in your report and shown "
                       "to your therapist.";
    ImGui::TextWrapped("%s", text.c_str());
    recordText(text);
    ImGui::Spacing();
    if (button("Yes, I was cleared to exercise")) {
        std::string day = f.seenOn.data(), clinician = f.clinician.data();
        r.actions.push_back([day, clinician](UiState& s, RecoveryStore& store, TimePoint now) {
            RecoveryUi& rr = s.recovery;
            if (Status e = recovery::recordClinicianClearance(store, rr.profileId, day, clinician, now); !e) {
                rr.clearance.error = "Not saved: " + e.message();
                rr.clearance.confirming = false;
                return;
            }
            rr.clearance = ClearanceForm{};
            setNotice(rr, "Recorded: a clinician cleared you to exercise. Start gently, and stop if anything new appears.",
                      false);
            s.session.blockedReason.clear();  // the session screen looks at the gate again
        });
    }
    ImGui::SameLine();
    if (button("Go back")) f.confirming = false;
}

// The red flags: open ones first (what they mean and how they are resolved), advice, or none.
void drawRedFlagStatus(UiState& st) {
    RecoveryUi& r = st.recovery;
    const auto& g = r.gate;
    bool anyBlocking = !g.allowed;
    if (anyBlocking) {
        beginPanel();
        ImGui::PushFont(st.fonts.heading);
        coloredWrapped(kRed, g.emergency ? "RED FLAG: seek emergency care now" : "RED FLAG: exercise paused");
        ImGui::PopFont();
        recordText(g.emergency ? "RED FLAG: seek emergency care now" : "RED FLAG: exercise paused");
        for (const auto& v : g.open) {
            if (!safety::blocks(v.tier)) continue;
            std::string line = std::string(safety::tierLabel(v.tier)) + ": " + v.what + " (answered " +
                               dayTime(v.alert.answeredAt) + ")";
            ImGui::BulletText("%s", line.c_str());
            recordText(line);
        }
        ImGui::TextWrapped("%s", g.reason.c_str());
        recordText(g.reason);
        if (st.options.kiosk) {
            ImGui::TextWrapped("Your therapist clears it after seeing you.");
        } else {
            ImGui::TextWrapped("It stays until your therapist clears it, or until you record that a clinician has seen "
                               "you and cleared you to exercise.");
            if (button("A clinician has seen me")) openClinicianClearance(st);
        }
        endPanel(IM_COL32(90, 30, 30, 255), 8 * st.dpiScale);
    }
    for (const auto& v : g.advice) {
        std::string line = "Advice (" + dayTime(v.alert.answeredAt) + ", " + v.what + "): " + v.advice;
        coloredWrapped(kAmber, line);
        recordText(line);
    }
    if (!anyBlocking) {
        std::string when = r.lastScreen ? " (last checked " + dayTime(r.lastScreen->takenAt) + ")" : "";
        std::string line = "No open red flags" + when + ".";
        coloredWrapped(kGreen, line);
        recordText(line);
    }
}

// Every red flag and how it was resolved (newest first).
void drawRedFlagHistory(UiState& st) {
    RecoveryUi& r = st.recovery;
    if (r.alerts.empty()) return;
    std::string title = "Red-flag history (" + std::to_string(r.alerts.size()) + ")##flags";
    bool shown = ImGui::CollapsingHeader(title.c_str());
    recordItem(title.c_str());
    if (!shown) return;
    for (const auto& v : r.alerts) {
        const auto& a = v.alert;
        std::string line = dayTime(a.answeredAt) + "  " + std::string(safety::tierLabel(v.tier)) + ": " + v.what + ".  ";
        if (a.open()) line += "Open.";
        else if (a.resolution == "clinician_visit")
            line += "Cleared: seen by " + (a.clinician.empty() ? std::string("a clinician") : a.clinician) + " on " +
                    a.seenOn.value_or("?") + " (recorded " + dayTime(*a.resolvedAt) + ").";
        else line += "Cleared by your therapist " + dayTime(*a.resolvedAt) + ": " + a.note;
        ImGui::TextWrapped("%s", line.c_str());
        recordText(line);
    }
}

void drawNewEpisode(UiState& st) {
    RecoveryUi& r = st.recovery;
    NewEpisodeForm& f = r.newEpisode;
    heading(st, "Log a back spasm");
    ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
    ImGui::SliderInt("Started (hours ago)", &f.hoursAgo, 0, 72, f.hoursAgo == 0 ? "just now" : "%d h ago");
    ImGui::InputTextWithHint("Where it hurts", "e.g. lower back, right side", f.location.data(), f.location.size());
    ImGui::InputTextWithHint("What set it off", "e.g. lifting, twisting, long drive", f.trigger.data(), f.trigger.size());
    ImGui::SliderInt("Pain now (0-10)", &f.pain, 0, 10);
    ImGui::Combo("Spasm (Modified Ashworth)", &f.ashworth, kAshworth, IM_ARRAYSIZE(kAshworth));
    const char* grades[] = {"not known", "I (stretched)", "II (some fibres torn)", "III (full tear)"};
    ImGui::Combo("Strain grade", &f.strain, grades, IM_ARRAYSIZE(grades));
    ImGui::PopItemWidth();
    ImGui::TextDisabled("Ice phase: %d hours from onset (your therapist can set 24-72 h).", f.iceHours);
    if (button("Save episode")) {
        storage::Episode e;
        e.location = f.location.data();
        e.trigger = f.trigger.data();
        e.pain = f.pain;
        if (f.ashworth > 0) e.spasmSeverity = kAshworth[f.ashworth];
        if (f.strain > 0) e.strainGrade = f.strain;
        e.iceHours = f.iceHours;
        int hoursAgo = f.hoursAgo;
        r.actions.push_back([e, hoursAgo](UiState& s, RecoveryStore& store, TimePoint now) mutable {
            RecoveryUi& rr = s.recovery;
            e.profileId = rr.profileId;
            e.onsetAt = time_point_cast<seconds>(now - hours(hoursAgo));
            // A new episode replaces the current one.
            if (auto cur = store.activeEpisode(rr.profileId); cur && *cur) {
                if (Status st2 = store.endEpisode((*cur)->id, now); !st2) return setNotice(rr, "Not saved: " + st2.message(), true);
            }
            auto id = store.addEpisode(e);
            if (!id) return setNotice(rr, "Not saved: " + id.error().message, true);
            rr.showNewEpisode = false;
            rr.newEpisode = NewEpisodeForm{};
            setNotice(rr, "Episode saved. Now the red-flag questions.", false);
            openScreen(rr, recovery::ListKind::Full);
        });
    }
    if (r.episode) {
        ImGui::SameLine();
        if (button("Cancel")) r.showNewEpisode = false;
    }
}

void drawEpisodeCard(UiState& st, TimePoint now) {
    RecoveryUi& r = st.recovery;
    const storage::Episode& e = *r.episode;
    auto phase = recovery::phaseAt(e.onsetAt, now);
    int day = static_cast<int>(duration_cast<hours>(now - e.onsetAt).count() / 24) + 1;
    ImGui::PushFont(st.fonts.heading);
    ImGui::Text("Day %d  -  %s phase", day, std::string(recovery::phaseName(phase)).c_str());
    ImGui::PopFont();
    ImGui::TextWrapped("Since %s", dayTime(e.onsetAt).c_str());
    if (!e.location.empty()) ImGui::TextWrapped("Where: %s", e.location.c_str());
    if (!e.trigger.empty()) ImGui::TextWrapped("Trigger: %s", e.trigger.c_str());
    ImGui::Text("Pain at onset %d/10   Spasm %s   Strain %s", e.pain, e.spasmSeverity.value_or("?").c_str(),
                e.strainGrade ? (*e.strainGrade == 1 ? "I" : *e.strainGrade == 2 ? "II" : "III") : "?");
    const char* advice = phase == recovery::Phase::Acute      ? "Rest and ice; short gentle walks; lie on your back with pillows under your knees."
                         : phase == recovery::Phase::Subacute ? "Heat as needed, gentle stretching, walking and swimming."
                         : phase == recovery::Phase::Recovery ? "Core strength, flexibility and posture; rest days between back workouts."
                                                              : "Pain for 12 weeks or more: keep your clinician involved.";
    coloredWrapped(IM_COL32(160, 170, 185, 255), advice);
    ImGui::Spacing();

    if (r.gate.needsFullScreen) {
        coloredWrapped(kAmber, "This episode has not been screened for red flags yet.");
        if (button("Answer the red-flag questions")) openScreen(r, recovery::ListKind::Full);
    } else if (r.gate.allowed) {
        if (button("Quick safety check before a session")) openScreen(r, recovery::ListKind::Short);
    }
    ImGui::Spacing();
    if (r.confirmEndEpisode) {
        std::string ask = "End this episode now?";
        if (!r.gate.allowed) ask += " Your open red flag stays open: ending the episode does not clear it.";
        coloredWrapped(kAmber, ask);
        recordText(ask);
        if (button("Yes, this episode is over")) {
            storage::Id id = e.id;
            r.confirmEndEpisode = false;
            r.actions.push_back([id](UiState& s, RecoveryStore& store, TimePoint now2) {
                if (Status st2 = store.endEpisode(id, now2); !st2) return setNotice(s.recovery, "Not saved: " + st2.message(), true);
                setNotice(s.recovery, "Episode closed. Well done.", false);
            });
        }
        ImGui::SameLine();
        if (button("Not yet")) r.confirmEndEpisode = false;
        return;
    }
    if (button("New episode")) r.showNewEpisode = true;
    ImGui::SameLine();
    if (button("This episode is over")) r.confirmEndEpisode = true;
}

void drawTimerCard(UiState& st, TimePoint now) {
    RecoveryUi& r = st.recovery;
    const auto& t = r.thermal;
    heading(st, "Ice and heat");
    if (t.state == TimerState::NoEpisode) {
        ImGui::TextWrapped("Log an episode and the timers follow its clock: ice for the first 48 hours, then heat.");
        return;
    }
    bool ice = t.advised == recovery::Thermal::Ice;
    if (ice) ImGui::TextWrapped("Ice phase: heat from %s.", dayTime(t.heatFrom).c_str());
    else ImGui::TextWrapped("Heat phase (since %s): heat as needed.", dayTime(t.heatFrom).c_str());

    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x;
    float h = 92 * st.dpiScale;
    ImU32 colour = kTeal;
    std::string big, small;
    float frac = 0;
    if (t.state == TimerState::Running) {
        bool runIce = t.running->kind == "ice";
        colour = runIce ? kBlue : kOrange;
        auto left = duration_cast<seconds>(t.runningEndsAt - now);
        big = std::string(runIce ? "ICE  " : "HEAT  ") + clockText(left);
        small = "until " + hhmm(t.runningEndsAt);
        frac = 1.0f - static_cast<float>(left.count()) / std::max(1, t.running->plannedS);
    } else if (t.state == TimerState::Resting) {
        colour = IM_COL32(110, 118, 135, 255);
        big = "REST  " + clockText(duration_cast<seconds>(*t.restUntil - now));
        small = "skin rests until " + hhmm(*t.restUntil);
    } else {
        colour = ice ? kBlue : kOrange;
        big = std::string("Ready for ") + (ice ? "ice" : "heat");
        if (t.nextDue) small = "next application due " + inText(*t.nextDue, now);
    }
    dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), kPanel, 14 * st.dpiScale);
    if (frac > 0) dl->AddRectFilled(p0, ImVec2(p0.x + w * std::clamp(frac, 0.0f, 1.0f), p0.y + h), (colour & 0x00FFFFFF) | 0x55000000,
                                    14 * st.dpiScale);
    dl->AddRect(p0, ImVec2(p0.x + w, p0.y + h), colour, 14 * st.dpiScale, 0, 3 * st.dpiScale);
    dl->AddText(st.fonts.title, st.fonts.title->FontSize * 0.8f, ImVec2(p0.x + 20 * st.dpiScale, p0.y + 8 * st.dpiScale),
                IM_COL32(255, 255, 255, 255), big.c_str());
    float sw = st.fonts.body->CalcTextSizeA(st.fonts.body->FontSize, FLT_MAX, 0, small.c_str()).x;
    dl->AddText(st.fonts.body, st.fonts.body->FontSize, ImVec2(p0.x + w - sw - 20 * st.dpiScale, p0.y + h - 34 * st.dpiScale),
                IM_COL32(220, 226, 235, 255), small.c_str());
    ImGui::Dummy(ImVec2(w, h));

    if (t.state == TimerState::Running) {
        if (button("Stop now")) {
            r.actions.push_back([](UiState& s, RecoveryStore& store, TimePoint now2) {
                if (Status st2 = ThermalTimers(store, s.recovery.profileId).stop(now2); !st2)
                    return setNotice(s.recovery, st2.message(), true);
                setNotice(s.recovery, "Stopped. Rest your skin before the next one.", false);
            });
        }
    } else {
        ImGui::BeginDisabled(t.state != TimerState::Ready || (!ice && !t.heatAllowed));
        std::string label = std::string("Start ") + (ice ? "ice" : "heat") + ", " + std::to_string(r.timerMinutes) + " min";
        if (button(label.c_str())) {
            auto kind = t.advised;
            int mins = r.timerMinutes;
            r.actions.push_back([kind, mins](UiState& s, RecoveryStore& store, TimePoint now2) {
                auto id = ThermalTimers(store, s.recovery.profileId).start(kind, mins, now2);
                if (!id) return setNotice(s.recovery, id.error().message, true);
                setNotice(s.recovery, std::string(recovery::thermalKindName(kind)) + " timer started. It keeps running if you close PT Coach.", false);
            });
        }
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::SetNextItemWidth(200 * st.dpiScale);
        ImGui::SliderInt("##minutes", &r.timerMinutes, 5, recovery::kMaxApplicationMin, "%d min");
        if (!ice && !t.heatAllowed) coloredWrapped(kRed, t.heatBlockedReason);
    }
    ImGui::Spacing();
    for (const auto& s : recovery::thermalSafetyReminders()) ImGui::BulletText("%s", s.c_str());
}

void drawCheckIn(UiState& st) {
    RecoveryUi& r = st.recovery;
    CheckInForm& f = r.checkIn;
    heading(st, "Daily check-in");
    if (r.lastCheckIn)
        ImGui::TextDisabled("Last: %s, pain %s", dayTime(r.lastCheckIn->takenAt).c_str(),
                            r.lastCheckIn->pain ? std::to_string(*r.lastCheckIn->pain).c_str() : "-");
    ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
    ImGui::SliderInt("Pain (0-10)", &f.pain, -1, 10, f.pain < 0 ? "slide to rate" : "%d");
    ImGui::SliderInt("Stiffness (0-10)", &f.stiffness, -1, 10, f.stiffness < 0 ? "slide to rate" : "%d");
    ImGui::InputTextWithHint("Medication taken", "as you took it (no advice given)", f.medication.data(), f.medication.size());
    ImGui::InputTextWithHint("Notes", "how it feels, how long spasms last...", f.notes.data(), f.notes.size());
    ImGui::PopItemWidth();
    ImGui::BeginDisabled(f.pain < 0 && f.stiffness < 0 && f.medication[0] == 0 && f.notes[0] == 0);
    if (button("Save check-in")) {
        storage::CheckIn c;
        if (f.pain >= 0) c.pain = f.pain;
        if (f.stiffness >= 0) c.stiffness = f.stiffness;
        c.medication = f.medication.data();
        c.notes = f.notes.data();
        r.actions.push_back([c](UiState& s, RecoveryStore& store, TimePoint now) mutable {
            c.profileId = s.recovery.profileId;
            c.takenAt = now;
            auto id = store.addCheckIn(c);
            if (!id) return setNotice(s.recovery, "Not saved: " + id.error().message, true);
            s.recovery.checkIn = CheckInForm{};
            setNotice(s.recovery, "Check-in saved.", false);
        });
    }
    ImGui::EndDisabled();
}

void drawWater(UiState& st) {
    RecoveryUi& r = st.recovery;
    heading(st, "Water today");
    float frac = std::min(1.0f, r.waterTodayMl / 2000.0f);
    std::string label = std::to_string(r.waterTodayMl) + " of about 2000 ml";
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, kBlue);
    ImGui::ProgressBar(frac, ImVec2(-1, 30 * st.dpiScale), label.c_str());
    ImGui::PopStyleColor();
    for (int ml : {250, 500}) {
        std::string b = "+ " + std::to_string(ml) + " ml";
        if (button(b.c_str())) {
            r.actions.push_back([ml](UiState& s, RecoveryStore& store, TimePoint now) {
                auto id = store.addHydration(s.recovery.profileId, now, ml);
                if (!id) setNotice(s.recovery, "Not saved: " + id.error().message, true);
            });
        }
        ImGui::SameLine();
    }
    ImGui::NewLine();
}

}  // namespace

void drawRecoveryScreen(UiState& st) {
    RecoveryUi& r = st.recovery;
    screenHeader(st, "Recovery");
    if (!st.dbError.empty() || !st.db) {
        coloredWrapped(kRed, "Your saved data could not be opened, so nothing can be logged: " +
                                 (st.dbError.empty() ? std::string("no database") : st.dbError));
        ImGui::TextWrapped("Your file was left untouched. Start PT Coach with --data-dir DIR to use another folder.");
        return;
    }
    if (!r.error.empty()) coloredWrapped(kRed, "Could not read your recovery history: " + r.error);
    if (!r.notice.empty()) {
        coloredWrapped(r.noticeIsError ? kRed : kGreen, r.notice);
        recordText(r.notice);
    }
    if (!r.loaded) {
        ImGui::TextUnformatted("Loading...");
        return;
    }
    TimePoint now = wallNow();
    if (r.screen.open) {
        drawScreenForm(st);
        return;
    }
    if (r.clearance.open && !st.options.kiosk) {
        drawClearance(st);
        return;
    }
    float gap = 20 * st.dpiScale;
    float colW = (ImGui::GetContentRegionAvail().x - gap) * 0.5f;
    ImGui::BeginChild("left", ImVec2(colW, 0), false, ImGuiWindowFlags_NavFlattened);
    drawRedFlagStatus(st);
    drawRedFlagHistory(st);
    ImGui::Spacing();
    if (!r.episode || r.showNewEpisode) drawNewEpisode(st);
    else drawEpisodeCard(st, now);
    ImGui::Spacing();
    ImGui::Separator();
    drawCheckIn(st);
    ImGui::EndChild();
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("right", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
    drawTimerCard(st, now);
    ImGui::Spacing();
    ImGui::Separator();
    drawWater(st);
    ImGui::EndChild();
}

// ------------------------------------------------------------------------------------------
// Headless exports

int runRecoveryExports(const AppOptions& o) {
    auto db = openDatabase(o);
    if (!db) {
        std::cerr << "ptcoach: " << db.error().message << "\n";
        return 1;
    }
    RecoveryStore store(**db);
    auto pid = headlessPatient(**db, o);
    if (!pid) {
        std::cerr << "ptcoach: " << pid.error().message << "\n";
        return 1;
    }
    int rc = 0;
    if (o.exportCsv) {
        auto files = recovery::exportCsv(store, *pid, *o.exportCsv);
        if (!files) {
            std::cerr << "ptcoach: CSV export failed: " << files.error().message << "\n";
            rc = 1;
        } else {
            for (const auto& f : *files) std::cout << "ptcoach: wrote " << f.string() << "\n";
        }
    }
    if (o.report) {
        recovery::ProgressOptions po;
        if (auto lib = engine::loadLibrary()) {
            po.titles = titlesOf(*lib);
            po.plannedPerWeek = programDaysPerWeek(**db, *pid, *lib);
        }
        if (Status s = recovery::writeReport(store, *pid, wallNow(), *o.report, po); !s) {
            std::cerr << "ptcoach: report failed: " << s.message() << "\n";
            rc = 1;
        } else {
            std::cout << "ptcoach: wrote " << o.report->string() << "\n";
        }
    }
    return rc;
}

}  // namespace ptcoach::ui

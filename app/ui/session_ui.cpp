// The guided session's model side in the app: builds the session from the program, feeds it the
// camera's landmark frames on the session's clock, applies what the screen recorded, plays cues and
// saves the summary. No drawing here (see session_screen.cpp).
#include <SDL2/SDL.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <tuple>

#include "ptcoach/core/clock.h"
#include "ptcoach/engine/calendar.h"
#include "ptcoach/engine/exchange.h"
#include "ptcoach/recovery/patient_overview.h"
#include "ptcoach/recovery/phase.h"
#include "ptcoach/recovery/red_flags.h"
#include "ptcoach/storage/recovery_store.h"
#include "ptcoach/storage/account_store.h"
#include "ptcoach/storage/session_store.h"
#include "session_ui.h"
#include "ui_state.h"

namespace ptcoach::ui {

using engine::Stage;

void PoseFrameQueue::push(analysis::LandmarkFrame f) {
    std::lock_guard lock(m_mutex);
    m_frames.push_back(std::move(f));
    while (m_frames.size() > kMax) m_frames.pop_front();
}

std::vector<analysis::LandmarkFrame> PoseFrameQueue::drain() {
    std::lock_guard lock(m_mutex);
    std::vector<analysis::LandmarkFrame> out(std::make_move_iterator(m_frames.begin()),
                                             std::make_move_iterator(m_frames.end()));
    m_frames.clear();
    return out;
}

void PoseFrameQueue::clear() {
    std::lock_guard lock(m_mutex);
    m_frames.clear();
}

analysis::LandmarkFrame toLandmarkFrame(const vision::PoseResult& pose, int64_t tMs, int width, int height) {
    analysis::LandmarkFrame f;
    f.tMs = tMs;
    f.person = pose.person;
    f.imageWidth = width;
    f.imageHeight = height;
    if (pose.person) {
        std::array<analysis::WorldPoint, analysis::kLandmarks> world{};
        for (size_t i = 0; i < analysis::kLandmarks; ++i) {
            const auto& l = pose.landmarks[i];
            f.points[i] = {l.x, l.y, l.z, l.visibility};
            world[i] = {pose.world[i].x, pose.world[i].y, pose.world[i].z};
        }
        f.world = world;
    }
    return f;
}

namespace {

int64_t steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// The session's clock: the video's timestamps when a recording drives it, else the wall clock.
int64_t sessionNow(SessionUi& su) {
    if (su.replay) return std::max<int64_t>(0, su.lastFrameT);
    if (su.clockStartMs < 0) su.clockStartMs = steadyMs();
    return steadyMs() - su.clockStartMs;
}

void ensureLibrary(SessionUi& su) {
    if (su.libraryTried) return;
    su.libraryTried = true;
    auto lib = engine::loadLibrary();
    if (lib) su.library = std::move(*lib);
    else su.libraryError = lib.error().message;
}

}  // namespace

void resetSession(SessionUi& su) {
    su.session.reset();
    su.planError.clear();
    su.blockedHeading.clear();
    su.blockedReason.clear();
    su.blockedEmergency = false;
    su.blockedAlerts.clear();
    su.restDay = false;
    su.pain = su.painAfter = -1;
    su.answers.clear();
    su.checkInTried = false;
    su.checkInError.clear();
    su.advice.clear();
    su.saved = false;
    su.savedId = 0;
    su.saveError.clear();
    su.historyLoaded = false;
    su.haveOffset = false;
    su.lastFrameT = -1;
    su.clockStartMs = -1;
}

// The signed-in patient's program assigned by their therapist (or taken in from a file), dosed for
// this week of the assignment, put into the library's program list (replacing an older copy).
// Returns its id, "" when there is none; an error (shown as the plan error) when it cannot be used.
Expected<std::string> addAssignedProgram(UiState& st) {
    SessionUi& su = st.session;
    auto pid = currentPatient(st);
    if (!pid || !st.db) return std::string();
    storage::AccountStore acc(*st.db);
    auto cur = acc.currentAssignment(*pid);
    if (!cur) return makeError("your assigned program could not be read: " + cur.error().message);
    if (!*cur) return std::string();
    const storage::Assignment& a = **cur;
    auto doc = nlohmann::json::parse(a.definition, nullptr, false);
    if (doc.is_discarded())
        return makeError("your assigned program '" + a.programId + "' is not valid JSON; ask your therapist to assign it again");
    auto program = engine::parseProgram(doc, "assignment of " + a.programId, su.library.exercises);
    if (!program) return makeError("your assigned program cannot be used: " + program.error().message);
    int64_t today = engine::localDay(wallNow());
    int week = std::max(1, engine::programWeek(engine::parseDate(a.startDate).value_or(today), today));
    engine::ProgramDefinition dosed = engine::programForWeek(*program, week);
    auto& list = su.library.programs;
    list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& p) { return p.id == dosed.id; }), list.end());
    list.push_back(std::move(dosed));
    su.assignedWeek = week;
    return a.programId;
}

namespace {

// The assignment becomes the session's program. False when there is none.
bool useAssignment(UiState& st) {
    SessionUi& su = st.session;
    auto id = addAssignedProgram(st);
    if (!id) {
        su.planError = id.error().message;
        return true;
    }
    if (id->empty()) return false;
    su.programId = *id;
    return true;
}

// --program / --exercise apply to the first session only; later ones come from the screens.
void applyCommandLine(UiState& st) {
    SessionUi& su = st.session;
    // Once per signed-in person (the picker shows every frame until they pick: no lookups then).
    if (!su.programId.empty() || !su.practiceId.empty() || su.defaultsApplied) return;
    su.defaultsApplied = true;
    if (!st.options.program.empty()) {
        su.programId = st.options.program;
        su.startAt = st.options.exercise;
    } else if (!st.options.exercise.empty()) {
        su.practiceId = st.options.exercise;
    } else if (st.db) {
        if (!useAssignment(st)) {
            if (auto last = st.db->setting(programSettingKey(st)); !last) su.planError = last.error().message;
            else if (*last) su.programId = **last;
        }
    }
}

void buildSession(UiState& st) {
    SessionUi& su = st.session;
    if (!su.libraryError.empty() || su.session || !su.planError.empty() || su.restDay || !su.blockedReason.empty())
        return;
    applyCommandLine(st);
    engine::SessionPlan plan;
    if (!su.practiceId.empty()) {
        const auto* ex = su.library.exercise(su.practiceId);
        if (!ex) {
            su.planError = "unknown exercise '" + su.practiceId + "' (ptcoach-analyze --list-exercises lists them)";
            return;
        }
        plan = engine::planPractice(*ex);
    } else {
        if (su.programId.empty()) return;  // the screen offers the programs
        const auto* p = su.library.program(su.programId);
        if (!p) {
            std::string known;
            for (const auto& q : su.library.programs) known += (known.empty() ? "" : ", ") + q.id;
            su.planError = "unknown program '" + su.programId + "' (known: " + known + ")";
            return;
        }
        int weekday = engine::weekdayOfDay(engine::localDay(wallNow()));
        const engine::ProgramSession* ps = nullptr;
        if (!su.sessionId.empty()) ps = p->session(su.sessionId);
        else if (!su.startAt.empty()) ps = engine::sessionWithExercise(*p, weekday, su.startAt);
        else ps = engine::sessionForWeekday(*p, weekday);
        if (!ps && !su.startAt.empty()) {
            su.planError = "program '" + p->id + "' has no exercise '" + su.startAt + "'";
            return;
        }
        if (!ps) {
            su.restDay = true;
            return;
        }
        auto built = engine::planSession(su.library, *p, *ps, su.startAt);
        if (!built) {
            su.planError = built.error().message;
            return;
        }
        plan = std::move(*built);
    }
    // An open red flag stops exercise until it is resolved: no session. The check-in asks what the
    // gate says is due (the full list once per episode, else the short one).
    su.blockedHeading.clear();
    su.blockedReason.clear();
    su.blockedEmergency = false;
    su.blockedAlerts.clear();
    std::optional<recovery::ExerciseGate> gate;
    if (st.db) {
        if (auto profile = signedInPatient(st)) {
            storage::RecoveryStore store(*st.db);
            auto g = recovery::exerciseGateFor(store, *profile, wallNow());
            if (!g) {
                su.blockedHeading = "No session: your safety answers could not be read";
                su.blockedReason = "Your red-flag history could not be read (" + g.error().message +
                                   "), so the session does not start.";
            } else if (!g->allowed) {
                su.blockedHeading = g->heading;
                su.blockedReason = g->reason;
                su.blockedEmergency = g->emergency;
                for (const auto& v : g->open)
                    if (safety::blocks(v.tier)) su.blockedAlerts.push_back(v);
            } else {
                gate = std::move(*g);
            }
        }
    }
    if (!su.blockedReason.empty()) {
        su.blockedAtMs = steadyMs();
        if (st.options.exitAfterVideo) {
            std::fprintf(stderr, "ptcoach: no session: %s: %s\n", su.blockedHeading.c_str(), su.blockedReason.c_str());
            su.exitRequested = true;
            su.exitCode = 3;
        }
        return;
    }
    adjustSessionPlan(st, plan);  // a game's exercise, the pain-guided dose (game_ui.h)
    if (!su.planError.empty()) return;
    engine::SessionOptions so;
    so.camera = true;  // without a working camera it goes on as a counter (see updateSession)
    su.replay = st.options.video && (st.options.exitAfterVideo || st.options.screenshot);
    su.session = std::make_unique<engine::Session>(std::move(plan), so, sessionNow(su));
    if (gate) {
        su.session->setCheckInQuestions(gate->ask);
        su.checkInList = gate->list;
        su.lastAnswered = gate->lastAnswered;
    }
    su.answers.clear();
    su.startedAtIso = engine::isoUtc(wallNow());

    if (su.replay) su.session->skipCheckInAndSetup(sessionNow(su));
}

void loadHistory(UiState& st) {
    SessionUi& su = st.session;
    su.historyLoaded = true;
    su.history.clear();
    su.historyError.clear();
    if (!st.db) return;
    auto profile = currentPatient(st);
    if (!profile) return;
    auto list = storage::listSessions(*st.db, *profile, 400);
    if (!list) {
        su.historyError = list.error().message;
        return;
    }
    su.history = std::move(*list);
    std::vector<int64_t> days;
    for (const auto& s : su.history)
        if (s.stars.value_or(0) >= 1)
            if (auto t = engine::parseIsoUtc(s.startedAt)) days.push_back(engine::localDay(*t));
    const engine::ProgramDefinition* program = su.library.program(su.programId);
    auto isRest = [program](int64_t day) {
        return program && program->week[static_cast<size_t>(engine::weekdayOfDay(day))] == engine::kRestDay;
    };
    su.streak = engine::streakDays(days, engine::localDay(wallNow()), isRest);
}

// Saves the session as it stands: a row once the first set is done, rewritten (one transaction)
// after every set, and once more at the end with its end time. A crash or a kill loses at most the
// set under way; a session never finished stays in the history as "unfinished".
void saveProgress(UiState& st, bool final) {
    SessionUi& su = st.session;
    if (su.saved || !su.saveError.empty() || !su.session) return;
    if (!st.db) {
        su.saveError = "not saved: your data could not be opened (" + st.dbError + ")";
        return;
    }
    auto profile = signedInPatient(st);
    if (!profile) {
        su.saveError = "not saved: " + profile.error().message;
        return;
    }
    engine::SessionSummary sum = su.session->summary();
    storage::SessionRecord r;
    r.profileId = *profile;
    r.programId = sum.programId.empty() ? "practice" : sum.programId;
    r.startedAt = su.startedAtIso;
    if (final) r.endedAt = engine::isoUtc(wallNow());
    r.painBefore = sum.painBefore;
    r.painAfter = sum.painAfter;
    r.withCamera = sum.withCamera;
    r.stars = sum.stars;
    r.completed = sum.completed;
    for (const auto& e : sum.exercises) {
        storage::ExerciseResultRecord x;
        x.exerciseId = e.exerciseId;
        x.side = e.sides;
        x.setsDone = e.setsDone;
        x.repsDone = e.repsDone;
        x.repsPlanned = e.repsPlanned;
        x.holdS = e.holdS;
        x.holdPlannedS = e.holdPlannedS;
        x.rom = e.rom;
        x.quality = e.quality;
        x.faults = e.faults;
        r.exercises.push_back(x);
    }
    if (su.savedId == 0) {
        auto id = storage::saveSession(*st.db, r);
        if (!id) {
            su.saveError = "not saved: " + id.error().message;
            return;
        }
        su.savedId = *id;
    } else if (Status e = storage::updateSession(*st.db, su.savedId, r); !e) {
        su.saveError = "not saved: " + e.message();
        return;
    }
    su.today.loaded = false;  // Home shows it
    if (!final) return;
    su.saved = true;
    onSessionSaved(st, su.savedId);  // points, badges, the game score (game_ui.h)
    if (!sum.programId.empty())
        if (Status s = st.db->setSetting(programSettingKey(st), sum.programId); !s)
            su.saveError = "The session is saved, but the program could not be kept for next time: " + s.message();
    loadHistory(st);
    requestRecoveryRefresh(st);  // the streak and adherence count it at once
}

void saveSummary(UiState& st) { saveProgress(st, true); }

void applyActions(UiState& st) {
    SessionUi& su = st.session;
    while (!su.actions.empty()) {
        auto [a, v] = su.actions.front();
        su.actions.pop_front();
        int64_t now = sessionNow(su);
        engine::Session* s = su.session.get();
        auto num = [&v]() { return std::atoi(v.c_str()); };
        switch (a) {
            case SessionAction::SetPain: su.pain = num(); break;
            case SessionAction::SetPainAfter: su.painAfter = num(); break;
            case SessionAction::SetAnswer: {
                auto colon = v.rfind(':');
                if (colon != std::string::npos) su.answers[v.substr(0, colon)] = std::atoi(v.c_str() + colon + 1) == 1;
                break;
            }
            case SessionAction::AllNo:
                if (s)
                    for (const auto& id : s->checkInQuestions()) su.answers[id] = 0;
                break;
            case SessionAction::SubmitCheckIn: {
                if (!s) break;
                su.checkInTried = true;
                engine::CheckIn c;
                if (su.pain >= 0) c.pain = su.pain;
                for (const auto& [id, yes] : su.answers) c.answers[id] = yes == 1;
                Status ok = s->submitCheckIn(c, now);
                if (!ok) break;  // the form shows what is missing, where it is missing
                su.checkInError.clear();
                // The answers go into the history, and each "yes" becomes an alert the therapist
                // sees, by the one path the Recovery screen uses too.
                if (st.db && !s->checkInQuestions().empty()) {
                    auto profile = signedInPatient(st);
                    if (!profile) {
                        su.checkInError = "Your answers were not saved: " + profile.error().message;
                    } else {
                        storage::RecoveryStore store(*st.db);
                        auto ep = store.activeEpisode(*profile);
                        std::optional<storage::Id> episodeId;
                        if (ep && *ep) episodeId = (*ep)->id;
                        auto saved = recovery::recordScreen(store, *profile, episodeId, su.checkInList,
                                                            s->checkInQuestions(), c.answers, wallNow());
                        if (!saved)
                            su.checkInError = "Your answers were not saved (" + saved.error().message +
                                              "). Please tell your therapist what you answered.";
                    }
                    requestRecoveryRefresh(st);  // Home and Recovery show it at once
                }
                const safety::Outcome& o = s->checkInOutcome();
                if (o.anyYes && !o.blocked) su.advice = o.advice;
                // A saved red flag: the screen shows the open alerts the way it does from now on
                // (the gate); a red flag that could not be saved keeps the stopped session and says so.
                if (o.blocked && su.checkInError.empty() && st.db) resetSession(su);
                break;
            }
            case SessionAction::AckAdvice: su.advice.clear(); break;
            case SessionAction::StartNow: if (s) s->startNow(now); break;
            case SessionAction::TogglePause: if (s) s->togglePause(now); break;
            case SessionAction::TapRep: if (s) s->tapRep(now); break;
            case SessionAction::Skip: if (s) s->skip(now); break;
            case SessionAction::FinishEarly: if (s) s->finishEarly(now); break;
            case SessionAction::SubmitPainAfter:
                if (s) s->submitPainAfter(su.painAfter >= 0 ? std::optional<int>(su.painAfter) : std::nullopt, now);
                break;
            case SessionAction::ToggleMute:
                su.muted = !su.muted;
                if (su.audio) su.audio->setMuted(su.muted);
                if (st.db)
                    if (Status s = st.db->setSetting("audio.muted", su.muted ? "1" : "0"); !s) {
                        std::cerr << "ptcoach: " << s.message() << "\n";
                        su.checkInError = "Sound on or off could not be kept for next time: " + s.message();
                    }
                break;
            case SessionAction::WithoutCamera: if (s) s->continueWithoutCamera(now); break;
            case SessionAction::Again: resetSession(su); break;
            case SessionAction::PickSession:
                resetSession(su);
                su.sessionId = v;
                break;
            case SessionAction::ChangeProgram:
                // Back to the picker: no program until the person picks one.
                resetSession(su);
                su.programId.clear();
                su.practiceId.clear();
                su.sessionId.clear();
                su.startAt.clear();
                su.defaultsApplied = true;
                break;
            case SessionAction::PickProgram:
                resetSession(su);
                su.sessionId.clear();
                su.startAt.clear();
                if (v.rfind("exercise:", 0) == 0) {
                    su.practiceId = v.substr(9);
                    su.programId.clear();
                } else {
                    su.programId = v;
                    su.practiceId.clear();
                    if (st.db)
                        if (Status s = st.db->setSetting(programSettingKey(st), v); !s)
                            su.checkInError = "This program could not be kept for next time: " + s.message();
                }
                st.go(Screen::Session);
                break;
        }
    }
}

// Gamepad shortcuts for someone two metres away: Start or X pauses, Y mutes, RB skips. (A presses
// the focused button through ImGui's navigation.)
void gamepadShortcuts(SessionUi& su) {
    SDL_GameController* pad = SDL_GameControllerFromPlayerIndex(0);
    unsigned now = 0;
    const SDL_GameControllerButton buttons[] = {SDL_CONTROLLER_BUTTON_START, SDL_CONTROLLER_BUTTON_X,
                                                SDL_CONTROLLER_BUTTON_Y, SDL_CONTROLLER_BUTTON_RIGHTSHOULDER};
    if (pad)
        for (unsigned i = 0; i < 4; ++i)
            if (SDL_GameControllerGetButton(pad, buttons[i])) now |= 1u << i;
    unsigned pressed = now & ~su.padPrev;
    su.padPrev = now;
    if (pressed & 0b0011) su.act(SessionAction::TogglePause);
    if (pressed & 0b0100) su.act(SessionAction::ToggleMute);
    if (pressed & 0b1000) su.act(SessionAction::Skip);
}

}  // namespace

void takeSessionKeys(UiState& st) {
    SessionUi& su = st.session;
    const engine::Session* s = su.session.get();
    bool exercising = st.screen == Screen::Session && s && su.advice.empty() &&
                      (s->stage() == Stage::Active || s->stage() == Stage::Rest);
    const engine::PlannedStep* step = exercising ? s->currentStep() : nullptr;
    bool tapping = exercising && s->stage() == Stage::Active && step && step->goal == engine::StepGoal::Reps &&
                   !s->stepCameraCounted();
    ImGuiIO& io = ImGui::GetIO();
    bool space = io.KeysDown[SDL_SCANCODE_SPACE];
    if (exercising) {
        if (space && !su.spaceHeld && tapping) su.act(SessionAction::TapRep);
        io.KeysDown[SDL_SCANCODE_SPACE] = false;  // not a click on whatever button has the focus
    }
    su.spaceHeld = space;
    bool a = io.NavInputs[ImGuiNavInput_Activate] > 0.0f;
    if (tapping) {
        if (a && !su.padAHeld) su.act(SessionAction::TapRep);
        io.NavInputs[ImGuiNavInput_Activate] = 0.0f;
    }
    su.padAHeld = a;
}

recovery::Titles titlesOf(const engine::Library& library) {
    recovery::Titles t;
    for (const auto& p : library.programs) t.programs[p.id] = p.title;
    for (const auto& e : library.exercises) {
        t.exercises[e.id] = e.title;
        // The range of motion is the driving measure's (reps) or the held one's.
        std::optional<analysis::MeasureRef> m = e.tracking ? std::optional(e.tracking->measure)
                                               : e.hold    ? std::optional(e.hold->measure)
                                                           : std::nullopt;
        if (m) t.romUnits[e.id] = analysis::measureInfo(m->id).unit == "deg" ? "degrees" : "";
    }
    return t;
}

std::string PhaseContext::where() const {
    return "day " + std::to_string(day + 1) + " of your episode (" + phase + " phase)";
}

PhaseContext phaseContext(UiState& st) {
    SessionUi& su = st.session;
    ensureLibrary(su);
    PhaseContext c;
    if (st.db)
        if (auto pid = currentPatient(st)) {
            storage::AccountStore acc(*st.db);
            if (auto a = acc.currentAssignment(*pid); a && *a) c.assignedId = (*a)->programId;
        }
    const auto& ep = st.recovery.episode;
    if (!st.recovery.loaded || !ep || ep->endedAt) return c;
    auto now = wallNow();
    c.episode = true;
    c.phase = std::string(recovery::phaseName(recovery::phaseAt(ep->onsetAt, now)));
    c.day = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(now - ep->onsetAt).count() / 24);
    c.recommended = engine::recommendedProgram(su.library.programs, c.phase, c.day);
    return c;
}

std::vector<ProgramChoiceRow> programChoices(UiState& st, const PhaseContext& c) {
    const auto& programs = st.session.library.programs;
    const auto& phases = engine::programPhases();
    std::vector<ProgramChoiceRow> rows;
    for (const auto& p : programs) {
        ProgramChoiceRow r;
        r.program = &p;
        if (p.id == c.assignedId) r.tag = "From your therapist";
        else if (&p == c.recommended) r.tag = "Recommended now: " + c.where();
        if (c.episode && engine::phaseFit(p, c.phase, c.day) == engine::PhaseFit::Later) {
            r.later = true;
            if (r.tag.empty()) r.tag = "For a later phase";
        }
        rows.push_back(std::move(r));
    }
    auto rank = [&](const ProgramChoiceRow& r) {
        int first = r.program->id == c.assignedId ? 0 : r.program == c.recommended ? 1 : 2;
        return std::make_tuple(first, std::find(phases.begin(), phases.end(), r.program->phase) - phases.begin(),
                               r.program->fromDay.value_or(0));
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    return rows;
}

int programDaysPerWeek(storage::Database& db, storage::Id patientId, const engine::Library& library) {
    storage::AccountStore acc(db);
    if (auto a = acc.currentAssignment(patientId); a && *a)
        if (auto days = recovery::trainingDaysOf((*a)->definition)) return *days;
    auto last = db.setting("session.program." + std::to_string(patientId));
    const engine::ProgramDefinition* p = last && *last ? library.program(**last) : nullptr;
    if (!p) return 0;
    int n = 0;
    for (const auto& d : p->week) n += d != engine::kRestDay;
    return n;
}

recovery::Titles libraryTitles(UiState& st) {
    ensureLibrary(st.session);
    return titlesOf(st.session.library);
}

namespace {

// Today's session, whether it is done, and the streak: read for the Home screen.
void updateToday(UiState& st) {
    SessionUi& su = st.session;
    TodayView& t = su.today;
    int64_t now = steadyMs();
    if (t.loaded && now - t.loadedAtMs < 5000) return;
    t = TodayView{};
    t.loaded = true;
    t.loadedAtMs = now;
    if (!currentPatient(st)) return;
    applyCommandLine(st);
    loadHistory(st);
    int64_t today = engine::localDay(wallNow());
    for (const auto& h : su.history) {
        auto started = engine::parseIsoUtc(h.startedAt);
        if (!started || engine::localDay(*started) != today) continue;
        if (t.doneToday++ == 0) {
            int reps = 0, planned = 0;
            for (const auto& e : h.exercises) reps += e.repsDone, planned += e.repsPlanned;
            t.lastDone = recovery::localText(*started, "%H:%M") + ", " + libraryTitles(st).program(h.programId) +
                         (planned > 0 ? ", " + std::to_string(reps) + " of " + std::to_string(planned) + " reps" : "") +
                         (h.completed ? "" : " (ended early)");
        }
    }
    if (su.history.empty() && st.auth.user && st.auth.user->name == "Me") {
        storage::AccountStore accounts(*st.db);
        auto all = accounts.accounts();
        t.firstRun = all && all->size() == 1;
    }
    const engine::ProgramDefinition* p = su.library.program(su.programId);
    if (!p) {
        t.noProgram = true;
        return;
    }
    t.programTitle = p->title;
    const engine::ProgramSession* ps = engine::sessionForWeekday(*p, engine::weekdayOfDay(today));
    if (ps) t.sessionTitle = ps->title;
    else t.restDay = true;
}

}  // namespace

void updateSession(UiState& st) {
    SessionUi& su = st.session;
    if (!su.audio) {
        su.audio = std::make_unique<Audio>();
        auto muted = st.db ? st.db->setting("audio.muted") : std::optional<std::string>();
        if (!muted) std::cerr << "ptcoach: " << muted.error().message << "\n";
        su.muted = st.options.mute || (muted && muted->value_or("0") == "1");
        su.audio->setMuted(su.muted);
    }
    ensureLibrary(su);
    applyActions(st);
    if (!su.historyLoaded && (st.screen == Screen::Session || st.screen == Screen::Programs)) loadHistory(st);
    if (st.screen == Screen::Home) updateToday(st);
    if (st.screen == Screen::Programs && !su.assignmentListed && su.libraryError.empty()) {
        su.assignmentListed = true;
        if (auto id = addAssignedProgram(st); !id) su.programs.importMessage = id.error().message;
    }
    if (st.screen != Screen::Session) {
        // Leaving mid-exercise pauses the session; the Camera screen's frames are not for it.
        if (su.session && (su.session->stage() == Stage::Active || su.session->stage() == Stage::Rest) &&
            su.session->pause() == engine::PauseReason::None)
            su.session->togglePause(sessionNow(su));
        su.frames->clear();
        return;
    }
    gamepadShortcuts(su);
    // A red flag cleared elsewhere (a therapist at another desk, the Recovery screen) lifts the block
    // without a restart: the gate is read again every 2 s while the block shows.
    if (!su.blockedReason.empty() && !su.session && steadyMs() - su.blockedAtMs > 2000) su.blockedReason.clear();
    buildSession(st);
    if (!su.session) return;
    if (!su.muted) su.audio->start();  // opens the audio device the first time sound is wanted
    engine::Session& s = *su.session;
    if (s.stage() == Stage::CheckIn && st.db && (su.cannotSaveAtMs < 0 || steadyMs() - su.cannotSaveAtMs > 2000)) {
        su.cannotSaveAtMs = steadyMs();
        Status can = st.db->checkCanSave();
        su.cannotSave = can ? std::string() : can.message();
    }

    // Every landmark frame since the last UI frame, in order, on the session's clock.
    auto frames = su.frames->drain();
    for (auto& f : frames) {
        if (!su.replay) {
            int64_t now = sessionNow(su);
            if (!su.haveOffset) {
                su.frameOffset = now - f.tMs;
                su.haveOffset = true;
            }
            f.tMs += su.frameOffset;
        }
        su.lastFrameT = std::max(su.lastFrameT, f.tMs);
        s.onFrame(f);
        observeSessionFrame(st, f);
    }
    // No usable camera: the session goes on as a timer-and-counter guide.
    const auto* worker = st.camera.worker.get();
    bool cameraFailed = (worker && worker->state() == vision::WorkerState::Failed) || !st.camera.poseError.empty();
    if (cameraFailed && s.options().camera && s.stage() != Stage::CheckIn) s.continueWithoutCamera(sessionNow(su));
    s.tick(sessionNow(su));
    observeSession(st);

    for (const auto& e : s.takeEvents()) {
        if (e.kind == engine::SessionEvent::Kind::Speak) su.audio->say(e.text);
        else if (e.kind == engine::SessionEvent::Kind::RepTone) playRepSound(st, e.count);
        else if (e.kind == engine::SessionEvent::Kind::StepDone) {
            saveProgress(st, false);  // each set in its own transaction, before the screen shows it done
            if (st.options.exitAfterVideo && su.saveError.empty()) {
                std::printf("ptcoach: set saved: %s, %d\n", e.text.c_str(), e.count);
                std::fflush(stdout);
            }
        }
    }

    // --exit-after-video: once the video has ended and every frame is counted, finish and save.
    if (st.options.exitAfterVideo && su.replay && !su.exitRequested && worker) {
        auto ws = worker->state();
        if (ws == vision::WorkerState::Failed) {
            std::cerr << "ptcoach: " << worker->error() << "\n";
            su.exitRequested = true;
            su.exitCode = 1;
        } else if (ws == vision::WorkerState::Ended && frames.empty()) {
            int64_t now = sessionNow(su);
            if (s.stage() == Stage::Active || s.stage() == Stage::Rest || s.stage() == Stage::Setup) s.finishEarly(now);
            if (s.stage() == Stage::PainAfter) s.submitPainAfter(std::nullopt, now);
        }
    }
    if (s.stage() == Stage::Summary) saveSummary(st);
    if (st.options.exitAfterVideo && su.replay && !su.exitRequested && s.stage() == Stage::Summary) {
        engine::SessionSummary sum = s.summary();
        std::printf("ptcoach: session %s (%s): %d %s, %.0f%% of the plan\n",
                    su.saved ? ("saved as #" + std::to_string(su.savedId)).c_str() : "NOT saved", sum.title.c_str(),
                    sum.stars, sum.stars == 1 ? "star" : "stars", sum.completion * 100.0);
        for (const auto& e : sum.exercises) {
            if (e.repsPlanned > 0) std::printf("  %s: %d of %d reps\n", e.exerciseId.c_str(), e.repsDone, e.repsPlanned);
            else std::printf("  %s: %.0f of %.0f s\n", e.exerciseId.c_str(), e.holdS, e.holdPlannedS);
        }
        if (!su.saved) std::fprintf(stderr, "ptcoach: %s\n", su.saveError.c_str());
        std::fflush(stdout);
        printGameLine(st);
        su.exitRequested = true;
        su.exitCode = su.saved ? 0 : 1;
    }
}

std::string finishSessionForSignOut(UiState& st) {
    SessionUi& su = st.session;
    if (!su.session) return {};
    engine::Session& s = *su.session;
    int64_t now = sessionNow(su);
    // A session that never got past the check-in has nothing to save.
    if (s.stage() == Stage::CheckIn) return {};
    if (s.stage() == Stage::Active || s.stage() == Stage::Rest || s.stage() == Stage::Setup) s.finishEarly(now);
    if (s.stage() == Stage::PainAfter) s.submitPainAfter(std::nullopt, now);
    if (s.stage() == Stage::Summary) saveSummary(st);
    return su.saveError;
}

int printProgramIds(const AppOptions&) {
    auto lib = engine::loadLibrary();
    if (!lib) {
        std::cerr << "ptcoach: " << lib.error().message << "\n";
        return 1;
    }
    for (const auto& p : lib->programs) std::cout << p.id << "\n";
    return 0;
}

int printSessionHistory(const AppOptions& options) {
    auto db = openDatabase(options);
    if (!db) {
        std::cerr << "ptcoach: " << db.error().message << "\n";
        return 1;
    }
    auto profile = headlessPatient(**db, options);
    if (!profile) {
        std::cerr << "ptcoach: " << profile.error().message << "\n";
        return 1;
    }
    auto list = storage::listSessions(**db, *profile, 0);
    if (!list) {
        std::cerr << "ptcoach: " << list.error().message << "\n";
        return 1;
    }
    auto opt = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("-"); };
    for (const auto& s : *list) {
        std::cout << s.startedAt << " " << s.programId << (s.endedAt.empty() ? " unfinished" : "")
                  << " stars=" << opt(s.stars) << " completed=" << s.completed
                  << " camera=" << s.withCamera << " pain=" << opt(s.painBefore) << "/" << opt(s.painAfter);
        for (const auto& e : s.exercises) {
            if (e.repsPlanned > 0) std::cout << " " << e.exerciseId << "=" << e.repsDone << "/" << e.repsPlanned;
            else std::cout << " " << e.exerciseId << "=" << static_cast<int>(e.holdS) << "s/" << static_cast<int>(e.holdPlannedS) << "s";
        }
        std::cout << "\n";
    }
    return 0;
}

}  // namespace ptcoach::ui

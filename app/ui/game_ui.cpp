// The games and the progression in the app, model side (see game_ui.h): the hooks the guided
// session calls, the actions the game screens record, the sounds and images from assets/. No
// drawing here (game_screen.cpp draws).
#define GL_GLEXT_PROTOTYPES 1
#include <SDL2/SDL.h>
#include <GL/gl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "game_ui.h"
#include "ptcoach/core/paths.h"
#include "ptcoach/engine/calendar.h"
#include "ptcoach/storage/progress_store.h"
#include "session_ui.h"
#include "ui_state.h"

namespace ptcoach::ui {

namespace fs = std::filesystem;
using engine::Stage;

namespace {

int64_t steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// The session's clock, as session_ui.cpp keeps it: the video's time in a replay, else the wall clock
// since the session began.
int64_t sessionClock(const SessionUi& su) {
    if (su.replay) return std::max<int64_t>(0, su.lastFrameT);
    if (su.clockStartMs < 0) return 0;
    return steadyMs() - su.clockStartMs;
}

double uiSeconds() { return SDL_GetTicks() / 1000.0; }

void playSound(UiState& st, const char* name) {
    SessionUi& su = st.session;
    if (!su.audio || su.muted) return;
    auto it = st.gameAssets.sounds.find(name);
    if (it != st.gameAssets.sounds.end()) su.audio->play(it->second);
}

void loadSounds(UiState& st, int rate) {
    GameAssets& a = st.gameAssets;
    fs::path dir = assetsDir() / "sounds";
    for (const char* name : {"rep", "streak", "set_done", "level_up", "star", "drop", "wobble"}) {
        fs::path f = dir / (std::string(name) + ".wav");
        SDL_AudioSpec spec;
        Uint8* buf = nullptr;
        Uint32 len = 0;
        if (!SDL_LoadWAV(f.c_str(), &spec, &buf, &len)) {
            a.soundError = "game sounds missing: " + f.string() + " (" + SDL_GetError() + ")";
            continue;
        }
        SDL_AudioCVT cvt;
        if (SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq, AUDIO_F32SYS, 1, rate) < 0) {
            a.soundError = "cannot convert " + f.string() + ": " + SDL_GetError();
            SDL_FreeWAV(buf);
            continue;
        }
        std::vector<Uint8> work(static_cast<size_t>(len) * static_cast<size_t>(std::max(1, cvt.len_mult)));
        std::copy(buf, buf + len, work.begin());
        SDL_FreeWAV(buf);
        cvt.buf = work.data();
        cvt.len = static_cast<int>(len);
        if (cvt.needed && SDL_ConvertAudio(&cvt) < 0) {
            a.soundError = "cannot convert " + f.string() + ": " + SDL_GetError();
            continue;
        }
        size_t n = static_cast<size_t>(cvt.needed ? cvt.len_cvt : cvt.len) / sizeof(float);
        std::vector<float> samples(n);
        std::memcpy(samples.data(), work.data(), n * sizeof(float));
        a.sounds[name] = std::move(samples);
    }
}

void loadImages(UiState& st) {
    GameAssets& a = st.gameAssets;
    fs::path dir = assetsDir() / "images";
    for (const char* name : {"balloon", "box", "shelf", "star", "badge"}) {
        fs::path f = dir / (std::string(name) + ".png");
        cv::Mat img;
        try {
            img = cv::imread(f.string(), cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception&) {
        }
        if (img.empty() || (img.channels() != 4 && img.channels() != 3)) {
            a.imageError = "game images missing: " + f.string();
            continue;
        }
        cv::Mat rgba;
        cv::cvtColor(img, rgba, img.channels() == 4 ? cv::COLOR_BGRA2RGBA : cv::COLOR_BGR2RGBA);
        GLuint tex = 0;
        glGenTextures(1, &tex);
        glBindTexture(GL_TEXTURE_2D, tex);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, rgba.cols, rgba.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
        a.images[name] = {tex, rgba.cols, rgba.rows};
    }
}

const engine::ProgramDefinition* programOf(const UiState& st) {
    return st.session.library.program(st.session.programId);
}

int weekGoalOf(const UiState& st) {
    const auto* p = programOf(st);
    return p && p->daysPerWeek > 0 ? p->daysPerWeek : 3;
}

std::function<bool(int64_t)> restDaysOf(const UiState& st) {
    const auto* p = programOf(st);
    if (!p) return {};
    auto week = p->week;
    return [week](int64_t day) { return week[static_cast<size_t>(engine::weekdayOfDay(day))] == engine::kRestDay; };
}

void reloadProgress(UiState& st) {
    ProgressCache& pc = st.session.game.progress;
    pc.loaded = true;
    pc.error.clear();
    pc.view.reset();
    pc.best.clear();
    auto pid = currentPatient(st);
    if (!st.db || !pid) return;
    pc.weekGoal = weekGoalOf(st);
    auto v = game::loadProgress(*st.db, *pid, pc.weekGoal, std::chrono::system_clock::now(), restDaysOf(st));
    if (!v) {
        pc.error = v.error().message;
        return;
    }
    pc.view = std::move(*v);
    auto scores = storage::ProgressStore(*st.db).gameScores(*pid);
    if (scores)
        for (const auto& s : *scores) {
            int& b = pc.best[s.gameId + ":" + s.exerciseId];
            b = std::max(b, s.score);
        }
}

void startGame(UiState& st, std::string gameId, std::string programId, std::string exerciseId) {  // copies: the game state is reset
    SessionUi& su = st.session;
    resetSession(su);
    ProgressCache keep = std::move(su.game.progress);
    su.game = GameUi{};
    su.game.progress = std::move(keep);
    su.game.gameId = gameId;
    su.game.programId = programId;
    su.game.exerciseId = exerciseId;
    su.defaultsApplied = true;  // what runs is this game, not the command line's or the last program
    su.sessionId.clear();
    if (programId.empty()) {
        su.practiceId = exerciseId;
        su.programId.clear();
        su.startAt.clear();
    } else {
        su.practiceId.clear();
        su.programId = programId;
        su.startAt = exerciseId;
    }
    st.go(Screen::Session);
}

void endGameMode(UiState& st) {
    SessionUi& su = st.session;
    resetSession(su);
    ProgressCache keep = std::move(su.game.progress);
    su.game = GameUi{};
    su.game.progress = std::move(keep);
    su.practiceId.clear();
    su.startAt.clear();
}

void handleEvents(UiState& st, std::vector<game::GameEvent> events) {
    GameUi& g = st.session.game;
    JuiceState& j = g.juice;
    double now = uiSeconds();
    for (const auto& e : events) {
        switch (e.kind) {
            case game::GameEventKind::Rep:
                j.counter.set(e.count, now);
                if (g.play) j.score.set(g.play->score(), now);
                break;
            case game::GameEventKind::Streak:
                playSound(st, "streak");
                j.toast = e.text;
                j.toastAt = now;
                break;
            case game::GameEventKind::SetDone:
                playSound(st, "set_done");
                j.bursts.emplace_back(game::ParticleBurst(now, j.seed++), 0);
                j.toast = e.text;
                j.toastAt = now;
                break;
            case game::GameEventKind::Wobble: playSound(st, "wobble"); break;
            case game::GameEventKind::Drop: playSound(st, "drop"); break;
            case game::GameEventKind::StarCaught:
                playSound(st, "star");
                j.bursts.emplace_back(game::ParticleBurst(now, j.seed++, 24, 0.9), 1);
                break;
            case game::GameEventKind::StarMissed: break;
        }
    }
    j.bursts.erase(std::remove_if(j.bursts.begin(), j.bursts.end(), [&](const auto& b) { return !b.first.alive(now); }),
                   j.bursts.end());
}

}  // namespace

int printGameIds() {
    for (const auto& g : game::games()) std::cout << g.id << "\n";
    return 0;
}

void adjustSessionPlan(UiState& st, engine::SessionPlan& plan) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    const game::GameInfo* info = g.gameId.empty() ? nullptr : game::findGame(g.gameId);
    if (info) {
        // The game plays one exercise: its steps, with the program's (or the exercise's) dose.
        size_t idx = plan.exercises.size();
        for (size_t i = 0; i < plan.exercises.size(); ++i)
            if (plan.exercises[i].id == g.exerciseId) idx = i;
        if (idx == plan.exercises.size()) {
            su.planError = "the game " + info->title + " plays " + g.exerciseId + ", which this session does not have";
            return;
        }
        engine::SessionPlan one;
        one.programId = plan.programId;
        one.sessionId = plan.sessionId;
        one.title = info->title + ": " + plan.exercises[idx].title;
        one.exercises = {plan.exercises[idx]};
        for (auto s : plan.steps)
            if (s.exercise == idx) {
                s.exercise = 0;
                one.steps.push_back(s);
            }
        if (!one.steps.empty()) one.steps.back().restAfterS = 0;
        plan = std::move(one);
    }
    // Pain-guided dosing: the person's level scales the plan, never above it; an offer waits for an
    // answer on the start screen (a game) or the check-in (a plain session).
    g.doseNote.clear();
    g.doseError.clear();
    g.offer.reset();
    g.doseLevel = 0;
    auto pid = currentPatient(st);
    if (st.db && pid) {
        auto level = storage::ProgressStore(*st.db).doseLevel(*pid);
        if (level) g.doseLevel = *level;
        else g.doseError = level.error().message;
        auto offer = game::currentDoseOffer(*st.db, *pid);
        if (offer && offer->kind != game::OfferKind::None) g.offer = *offer;
        if (g.doseLevel < 0) {
            g.doseNote = "Today: " + std::string(game::doseLevelName(g.doseLevel)) + ", after your pain rose (" +
                         game::doseChangeText(plan, 0, g.doseLevel) + ").";
            plan = game::dosePlan(plan, g.doseLevel);
        }
    }
    game::GameSetup setup;
    setup.game = info;
    if (info && info->kind == game::GameKind::Reach && !plan.exercises.empty()) {
        float enter = game::countThreshold(plan.exercises[0]);
        setup.reachTarget = enter;
        if (st.db && pid)
            if (auto t = game::reachTargetFor(*st.db, *pid, plan.exercises[0].id, enter)) setup.reachTarget = *t;
    }
    g.reachTarget = setup.reachTarget;
    g.best.reset();
    if (info && st.db && pid)
        if (auto b = storage::ProgressStore(*st.db).bestScore(*pid, info->id, g.exerciseId); b && *b) g.best = (*b)->score;
    g.play = std::make_unique<game::GamePlay>(setup);
    g.observed = nullptr;
    g.stoppedForPain = g.redFlagRecorded = g.progressSaved = g.lineShown = false;
    g.saved.reset();
    g.progressError.clear();
    bool replay = st.options.video && (st.options.exitAfterVideo || st.options.screenshot);
    g.started = !info || replay;  // a recording has nobody to press Play
    g.juice.counter = {};
    g.juice.score = {};
}

void observeSessionFrame(UiState& st, const analysis::LandmarkFrame& f) {
    SessionUi& su = st.session;
    if (!su.session || !su.game.play) return;
    su.game.observed = su.session.get();
    su.game.play->observe(*su.session, f.tMs, &f);
}

void observeSession(UiState& st) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    if (!su.session || !g.play) return;
    g.observed = su.session.get();
    g.play->observe(*su.session, sessionClock(su));
    handleEvents(st, g.play->takeEvents());
    // A red flag at the check-in: the day still counts (nothing to lose for stopping).
    if (su.session->stage() == Stage::Stopped && !g.redFlagRecorded && st.db) {
        g.redFlagRecorded = true;
        if (auto pid = currentPatient(st)) {
            Status s = game::recordRedFlagStop(*st.db, *pid, std::chrono::system_clock::now());
            if (!s) g.progressError = "progress not saved: " + s.message();
            g.progress.loaded = false;
        }
    }
}

void playRepSound(UiState& st, int count) {
    SessionUi& su = st.session;
    if (!su.audio) return;
    if (st.gameAssets.sounds.count("rep")) playSound(st, "rep");
    else su.audio->tone(count);
}

void onSessionSaved(UiState& st, int64_t sessionId) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    if (g.progressSaved || !su.session || !st.db) return;
    g.progressSaved = true;
    auto pid = currentPatient(st);
    if (!pid) return;
    game::ProgressInput in;
    in.profileId = *pid;
    in.sessionId = sessionId;
    in.summary = su.session->summary();
    if (g.play && !g.gameId.empty()) in.game = g.play->result(*su.session);
    in.stoppedForPain = g.stoppedForPain;
    in.weekGoal = weekGoalOf(st);
    in.isRestDay = restDaysOf(st);
    auto saved = game::recordSessionProgress(*st.db, in);
    if (!saved) {
        g.progressError = "points not saved: " + saved.error().message;
        return;
    }
    g.saved = std::move(*saved);
    if (g.saved->levelUp()) {
        g.juice.levelUp.start(uiSeconds(), g.saved->after.level);
        playSound(st, "level_up");
    }
    g.progress.loaded = false;
}

void printGameLine(UiState& st) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    if (g.lineShown || !su.session || !g.play) return;
    g.lineShown = true;
    if (!g.gameId.empty()) std::printf("%s\n", g.play->result(*su.session).line().c_str());
    if (g.saved) {
        std::string badges;
        for (const auto& b : g.saved->newBadges) badges += (badges.empty() ? "" : ", ") + b;
        std::printf("ptcoach: +%d points, level %d (%lld points)%s%s\n", g.saved->points.total, g.saved->after.level,
                    static_cast<long long>(g.saved->after.xp), badges.empty() ? "" : ", new badges: ", badges.c_str());
    } else if (!g.progressError.empty()) {
        std::fprintf(stderr, "ptcoach: %s\n", g.progressError.c_str());
    }
    std::fflush(stdout);
}

void updateGame(UiState& st) {
    SessionUi& su = st.session;
    GameUi& g = su.game;
    loadAccessibility(st);
    if (!st.gameAssets.tried) {
        st.gameAssets.tried = true;
        loadImages(st);
        loadSounds(st, su.audio ? su.audio->rate() : 22050);
    }
    if (!st.gameAssets.commandLineGameApplied) {
        st.gameAssets.commandLineGameApplied = true;
        if (!st.options.game.empty()) {
            g.gameId = st.options.game;
            g.programId = st.options.program;
            g.exerciseId = st.options.exercise;
            st.screen = Screen::Session;
        }
    }
    while (!g.actions.empty()) {
        auto [a, v] = g.actions.front();
        g.actions.pop_front();
        switch (a) {
            case GameAction::Start: {
                // "game|program|exercise"
                auto p1 = v.find('|'), p2 = v.find('|', p1 + 1);
                if (p1 == std::string::npos || p2 == std::string::npos) break;
                startGame(st, v.substr(0, p1), v.substr(p1 + 1, p2 - p1 - 1), v.substr(p2 + 1));
                break;
            }
            case GameAction::Play: g.started = true; break;
            case GameAction::StopForPain:
                g.stoppedForPain = true;
                su.act(SessionAction::FinishEarly);
                break;
            case GameAction::AcceptDose:
            case GameAction::DeclineDose:
                if (g.offer && st.db)
                    if (auto pid = currentPatient(st)) {
                        Status s = game::decideDose(*st.db, *pid, *g.offer, a == GameAction::AcceptDose,
                                                    std::chrono::system_clock::now());
                        if (!s) g.doseError = s.message();
                    }
                g.offer.reset();
                if (a == GameAction::AcceptDose && su.session && (su.session->stage() == Stage::CheckIn)) {
                    // Rebuilt at the new level (the session had not begun).
                    std::string gid = g.gameId, prog = g.programId, ex = g.exerciseId;
                    if (gid.empty()) {
                        resetSession(su);
                    } else {
                        startGame(st, gid, prog, ex);
                    }
                }
                break;
            case GameAction::PlayAgain: startGame(st, g.gameId, g.programId, g.exerciseId); break;
            case GameAction::TurnCoach: g.coachYaw += static_cast<float>(std::atof(v.c_str())); break;
            case GameAction::ResetCoach: g.coachYawSet = false; break;
            case GameAction::LeaveGame:
                endGameMode(st);
                st.go(Screen::Home);
                break;
            case GameAction::SetFontSize: setFontStep(st, std::atoi(v.c_str())); break;
            case GameAction::SetContrast: setHighContrast(st, v == "1"); break;
        }
    }
    // The gamepad's right stick turns the 3D coach.
    if (SDL_GameController* pad = SDL_GameControllerFromPlayerIndex(0)) {
        int x = SDL_GameControllerGetAxis(pad, SDL_CONTROLLER_AXIS_RIGHTX);
        if (std::abs(x) > 8000) g.coachYaw += static_cast<float>(x) / 32768.0f * 3.0f;
    }
    // A game that ended is over once the person leaves its screen.
    if (!g.gameId.empty() && st.screen != Screen::Session && su.session &&
        (su.session->stage() == Stage::Summary || su.session->stage() == Stage::Stopped))
        endGameMode(st);
    if (!g.progress.loaded && (st.screen == Screen::Home || st.screen == Screen::Session)) reloadProgress(st);
    // The therapist's selected patient: their dose changes.
    std::optional<int64_t> sel = st.screen == Screen::Therapist ? st.therapist.selected : std::nullopt;
    if (sel != g.doseHistoryFor) {
        g.doseHistoryFor = sel;
        g.doseHistory.clear();
        g.doseHistoryError.clear();
        if (sel && st.db) {
            auto list = storage::ProgressStore(*st.db).doseChanges(*sel);
            if (list) g.doseHistory = std::move(*list);
            else g.doseHistoryError = list.error().message;
        }
    }
}

void loadAccessibility(UiState& st) {
    Accessibility& a = st.a11y;
    if (a.loaded) return;
    a.loaded = true;
    if (st.db) {
        if (auto v = st.db->setting("ui.font_size"))
            for (int i = 0; i < 3; ++i)
                if (*v == Accessibility::kNames[i]) a.fontStep = i;
        auto hc = st.db->setting("ui.high_contrast");
        a.highContrast = hc && hc->value_or("0") == "1";
    }
    for (int i = 0; i < 3; ++i)
        if (st.options.fontSize == Accessibility::kNames[i]) a.fontStep = i;
    if (st.options.highContrast) a.highContrast = true;
}

void setFontStep(UiState& st, int step) {
    st.a11y.fontStep = std::clamp(step, 0, 2);
    if (st.db)
        if (Status e = st.db->setSetting("ui.font_size", Accessibility::kNames[st.a11y.fontStep]); !e)
            st.session.game.progressError = "The text size could not be kept for next time: " + e.message();
}

void setHighContrast(UiState& st, bool on) {
    st.a11y.highContrast = on;
    if (st.db)
        if (Status e = st.db->setSetting("ui.high_contrast", on ? "1" : "0"); !e)
            st.session.game.progressError = "High contrast could not be kept for next time: " + e.message();
}

void releaseGameAssets(UiState& st) {
    for (auto& [name, t] : st.gameAssets.images)
        if (t.id) glDeleteTextures(1, &t.id);
    st.gameAssets.images.clear();
    st.coach3d.reset();
}

}  // namespace ptcoach::ui

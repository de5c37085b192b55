// The speech thread (app/ui/audio.cpp) under ThreadSanitizer: cues queued, replaced, muted and
// the object destroyed while the thread synthesises, with SDL's dummy audio driver standing in
// for a sound card. Built only in the tsan build (tests/sanitize/build.sh tsan).
#include <SDL2/SDL.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "audio.h"
#include "test_support.h"

TEST_CASE("speech: cues, mute and shutdown from the UI thread while the speech thread speaks") {
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    REQUIRE(SDL_Init(0) == 0);
    for (int round = 0; round < 3; ++round) {
        ptcoach::ui::Audio audio;
        audio.start();
        if (!audio.deviceOk()) PTCOACH_SKIP("no SDL audio device, not even the dummy one: " << audio.status());
        if (!audio.speechOk()) PTCOACH_SKIP("espeak-ng not available: " << audio.status());
        for (int i = 0; i < 20; ++i) {
            audio.say("Keep your back straight, rep " + std::to_string(i));
            audio.tone(i);
            if (i % 7 == 3) audio.setMuted(true);
            if (i % 7 == 5) audio.setMuted(false);
            std::this_thread::sleep_for(std::chrono::milliseconds(15));
        }
        CHECK(audio.status().empty());
        // Destroyed with the thread busy: it must stop and join cleanly.
    }
    SDL_Quit();
}

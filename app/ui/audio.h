#pragma once
// Spoken cues (espeak-ng, loaded at run time) and a tone per counted rep (SDL audio), with mute.
// Speech is synthesised on a thread of its own, so the UI never waits for it. Without an audio
// device (a headless machine, Xvfb) or without espeak-ng, it stays silent and says why in
// status(): the session shows every cue as a banner anyway.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ptcoach::ui {

class Audio {
public:
    Audio();
    ~Audio();
    Audio(const Audio&) = delete;
    Audio& operator=(const Audio&) = delete;

    // Opens the audio device and loads espeak-ng; safe to call again (does nothing once tried).
    void start();
    void say(const std::string& text);  // queued; a newer cue replaces one not yet spoken
    void tone(int count);               // a short beep; pitch rises with the count within a set
    void play(const std::vector<float>& samples);  // a sound at the device's rate (mono), unless muted
    int rate() const { return m_rate; }
    // Every cue say() was given, muted or not, for the captions: the newest and when (SDL ticks).
    const std::string& lastSaid() const { return m_lastSaid; }
    unsigned lastSaidAt() const { return m_lastSaidAt; }
    void setMuted(bool muted);
    bool muted() const { return m_muted.load(); }
    bool deviceOk() const { return m_device != 0; }
    bool speechOk() const { return m_speechOk.load(); }
    const std::string& status() const { return m_status; }  // "" when everything works

private:
    void run();
    void queueSamples(const float* data, size_t n);
    bool m_started = false;
    std::atomic<bool> m_muted{false}, m_speechOk{false};
    unsigned int m_device = 0;  // SDL_AudioDeviceID
    int m_rate = 22050;
    std::string m_status;
    std::string m_lastSaid;
    unsigned m_lastSaidAt = 0;
    void* m_espeak = nullptr;  // dlopen handle
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::string> m_texts;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace ptcoach::ui

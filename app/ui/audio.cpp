#include "audio.h"

#include <SDL2/SDL.h>
#include <dlfcn.h>

#include <cmath>
#include <vector>

#if __has_include(<espeak-ng/speak_lib.h>)
#include <espeak-ng/speak_lib.h>
#define PTCOACH_HAVE_ESPEAK 1
#else
#define PTCOACH_HAVE_ESPEAK 0
#endif

namespace ptcoach::ui {

namespace {
#if PTCOACH_HAVE_ESPEAK
using InitializeFn = int (*)(espeak_AUDIO_OUTPUT, int, const char*, int);
using SetCallbackFn = void (*)(t_espeak_callback*);
using SynthFn = espeak_ERROR (*)(const void*, size_t, unsigned int, espeak_POSITION_TYPE, unsigned int, unsigned int,
                                 unsigned int*, void*);
using SetParameterFn = espeak_ERROR (*)(espeak_PARAMETER, int, int);
using SetVoiceFn = espeak_ERROR (*)(const char*);
using TerminateFn = espeak_ERROR (*)();
struct EspeakApi {
    InitializeFn initialize = nullptr;
    SetCallbackFn setCallback = nullptr;
    SynthFn synth = nullptr;
    SetParameterFn setParameter = nullptr;
    SetVoiceFn setVoice = nullptr;
    TerminateFn terminate = nullptr;
};
EspeakApi g_api;                      // used only on the audio thread after start()
std::vector<short>* g_synthOut = nullptr;  // the buffer the synth callback fills (audio thread only)

int synthCallback(short* wav, int n, espeak_EVENT*) {
    if (wav && n > 0 && g_synthOut) g_synthOut->insert(g_synthOut->end(), wav, wav + n);
    return 0;
}
#endif
}  // namespace

Audio::Audio() = default;

Audio::~Audio() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
    if (m_device) SDL_CloseAudioDevice(m_device);
    if (m_started) SDL_QuitSubSystem(SDL_INIT_AUDIO);
    if (m_espeak) dlclose(m_espeak);
}

void Audio::start() {
    if (m_started) return;
    m_started = true;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        m_status = std::string("sound off: ") + SDL_GetError();
        return;
    }
    SDL_AudioSpec want{}, have{};
    want.freq = m_rate;
    want.format = AUDIO_F32SYS;
    want.channels = 1;
    want.samples = 1024;
    m_device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
    if (!m_device) {
        m_status = "sound off: no audio device";
        return;
    }
    SDL_PauseAudioDevice(m_device, 0);
#if PTCOACH_HAVE_ESPEAK
    m_espeak = dlopen("libespeak-ng.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!m_espeak) {
        m_status = "spoken cues off: espeak-ng not installed (apt-get install espeak-ng)";
        return;
    }
    g_api.initialize = reinterpret_cast<InitializeFn>(dlsym(m_espeak, "espeak_Initialize"));
    g_api.setCallback = reinterpret_cast<SetCallbackFn>(dlsym(m_espeak, "espeak_SetSynthCallback"));
    g_api.synth = reinterpret_cast<SynthFn>(dlsym(m_espeak, "espeak_Synth"));
    g_api.setParameter = reinterpret_cast<SetParameterFn>(dlsym(m_espeak, "espeak_SetParameter"));
    g_api.setVoice = reinterpret_cast<SetVoiceFn>(dlsym(m_espeak, "espeak_SetVoiceByName"));
    g_api.terminate = reinterpret_cast<TerminateFn>(dlsym(m_espeak, "espeak_Terminate"));
    if (!g_api.initialize || !g_api.setCallback || !g_api.synth || !g_api.setParameter || !g_api.setVoice) {
        m_status = "spoken cues off: this libespeak-ng lacks the functions PT Coach uses";
        return;
    }
    m_speechOk = true;
    m_thread = std::thread([this] { run(); });
#else
    m_status = "spoken cues off: built without espeak-ng (libespeak-ng-dev)";
#endif
}

void Audio::run() {
#if PTCOACH_HAVE_ESPEAK
    int rate = g_api.initialize(AUDIO_OUTPUT_SYNCHRONOUS, 500, nullptr, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0) {
        std::lock_guard lock(m_mutex);
        m_speechOk = false;
        return;
    }
    g_api.setCallback(&synthCallback);
    g_api.setVoice("en");
    g_api.setParameter(espeakRATE, 160, 0);
    std::vector<short> pcm;
    g_synthOut = &pcm;
    while (true) {
        std::string text;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stop || !m_texts.empty(); });
            if (m_stop) break;
            text = std::move(m_texts.front());
            m_texts.pop_front();
        }
        pcm.clear();
        g_api.synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
        if (pcm.empty()) continue;
        // resample (linear) from espeak's rate to the device's, and convert to float
        double step = static_cast<double>(rate) / m_rate;
        std::vector<float> out(static_cast<size_t>(pcm.size() / step));
        for (size_t i = 0; i < out.size(); ++i) {
            double x = i * step;
            size_t k = static_cast<size_t>(x);
            double f = x - k;
            double a = pcm[std::min(k, pcm.size() - 1)], b = pcm[std::min(k + 1, pcm.size() - 1)];
            out[i] = static_cast<float>((a + (b - a) * f) / 32768.0 * 0.9);
        }
        if (!m_muted) queueSamples(out.data(), out.size());
    }
    g_synthOut = nullptr;
    // espeak-ng keeps a thread of its own until terminated: a later Audio's initialisation would
    // otherwise re-create espeak's mutex under that thread (found by ThreadSanitizer).
    if (g_api.terminate) g_api.terminate();
#endif
}

void Audio::queueSamples(const float* data, size_t n) {
    if (!m_device || n == 0) return;
    SDL_QueueAudio(m_device, data, static_cast<Uint32>(n * sizeof(float)));
}

void Audio::say(const std::string& text) {
    if (!text.empty()) {
        m_lastSaid = text;
        m_lastSaidAt = SDL_GetTicks();
    }
    if (m_muted || !m_speechOk || text.empty()) return;
    {
        std::lock_guard lock(m_mutex);
        // A cue that was not spoken yet is stale once a newer one comes: keep the queue short.
        while (m_texts.size() >= 2) m_texts.pop_front();
        m_texts.push_back(text);
    }
    m_cv.notify_one();
}

void Audio::tone(int count) {
    if (m_muted || !m_device) return;
    const double freq = 660.0 * std::pow(2.0, std::min(count - 1, 12) / 24.0);
    const size_t n = static_cast<size_t>(m_rate * 0.12);
    std::vector<float> buf(n);
    for (size_t i = 0; i < n; ++i) {
        double t = static_cast<double>(i) / m_rate;
        double env = std::min(1.0, i / (0.01 * m_rate)) * std::min(1.0, (n - i) / (0.04 * m_rate));
        buf[i] = static_cast<float>(0.35 * env * std::sin(2.0 * M_PI * freq * t));
    }
    queueSamples(buf.data(), buf.size());
}

void Audio::play(const std::vector<float>& samples) {
    if (m_muted || !m_device) return;
    queueSamples(samples.data(), samples.size());
}

void Audio::setMuted(bool muted) {
    m_muted = muted;
    if (muted && m_device) SDL_ClearQueuedAudio(m_device);
    if (muted) {
        std::lock_guard lock(m_mutex);
        m_texts.clear();
    }
}

}  // namespace ptcoach::ui

#pragma once
// Helpers shared by the Therapist screen's files (therapist_screen.cpp, therapist_builder.cpp).
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>

#include <imgui.h>

#include "ptcoach/engine/program.h"
#include "session_ui.h"
#include "therapist_screen.h"

namespace ptcoach::ui::therapist {

// A fixed text buffer (ImGui::InputText) as a string, and back.
template <size_t N>
std::string text(const std::array<char, N>& buf) {
    return std::string(buf.data(), strnlen(buf.data(), N));
}
template <size_t N>
void setText(std::array<char, N>& buf, const std::string& s) {
    buf.fill('\0');
    std::snprintf(buf.data(), N, "%s", s.c_str());
}

inline std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

inline void setNotice(TherapistUi& t, std::string message, bool error) {
    t.notice = std::move(message);
    t.noticeIsError = error;
}

// The exercise and program library, loaded once (shared with the session screens).
inline void ensureLibrary(SessionUi& su) {
    if (su.libraryTried) return;
    su.libraryTried = true;
    auto lib = engine::loadLibrary();
    if (lib) su.library = std::move(*lib);
    else su.libraryError = lib.error().message;
}

}  // namespace ptcoach::ui::therapist

namespace ptcoach::ui::therapist {

// ImGui::InputText on a std::string (grown through the resize callback).
inline int resizeString(ImGuiInputTextCallbackData* d) {
    if (d->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* s = static_cast<std::string*>(d->UserData);
        s->resize(static_cast<size_t>(d->BufTextLen));
        d->Buf = s->data();
    }
    return 0;
}
inline bool inputString(const char* label, std::string& s, ImGuiInputTextFlags flags = 0) {
    return ImGui::InputText(label, s.data(), s.capacity() + 1, flags | ImGuiInputTextFlags_CallbackResize,
                            resizeString, &s);
}
inline bool inputMultiline(const char* label, std::string& s, const ImVec2& size) {
    return ImGui::InputTextMultiline(label, s.data(), s.capacity() + 1, size, ImGuiInputTextFlags_CallbackResize,
                                     resizeString, &s);
}

}  // namespace ptcoach::ui::therapist

// ptcoach-make-assets DIR: makes the game's sounds and images from code alone, into DIR/sounds and
// DIR/images (the project keeps its output in assets/). Every sound is synthesised here (sine,
// triangle and a seeded noise, with envelopes); every image is drawn here with cairo. Nothing is
// taken from anywhere else, so the files are the project's own, under its licence. The output is
// deterministic: a test regenerates it and compares it with assets/.
#include <cairo.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kRate = 22050;
constexpr double kPi = 3.14159265358979;

// ---- sound -------------------------------------------------------------------------------------

struct Noise {  // a small LCG: the same "random" hiss on every machine
    uint32_t s = 12345;
    double next() {
        s = s * 1664525u + 1013904223u;
        return ((s >> 8) & 0xFFFF) / 32768.0 - 1.0;
    }
};

double tri(double phase) { return 2.0 / kPi * std::asin(std::sin(phase)); }

// Attack-decay envelope: rises over `a` seconds, then decays with time constant `d`.
double env(double t, double a, double d) { return t < a ? t / a : std::exp(-(t - a) / d); }

using Voice = std::function<double(double)>;  // t (s) -> sample, roughly -1..1

std::vector<double> render(double seconds, const std::vector<std::pair<double, Voice>>& voices) {
    std::vector<double> out(static_cast<size_t>(seconds * kRate), 0.0);
    for (const auto& [start, v] : voices)
        for (size_t i = static_cast<size_t>(start * kRate); i < out.size(); ++i) out[i] += v(i / double(kRate) - start);
    // A short fade at the end, and the peak at 0.8 of full scale.
    double peak = 1e-9;
    for (double x : out) peak = std::max(peak, std::abs(x));
    for (size_t i = 0; i < out.size(); ++i) {
        double tail = std::min(1.0, (out.size() - i) / (0.01 * kRate));
        out[i] = out[i] / peak * 0.8 * tail;
    }
    return out;
}

Voice bell(double f, double decay, double amp = 1.0) {
    return [=](double t) {
        if (t < 0) return 0.0;
        double e = env(t, 0.004, decay);
        return amp * e * (std::sin(2 * kPi * f * t) + 0.35 * std::sin(2 * kPi * 2.76 * f * t) * std::exp(-t / (decay * 0.4)));
    };
}

Voice note(double f, double len, double amp = 1.0) {
    return [=](double t) {
        if (t < 0 || t > len + 0.25) return 0.0;
        double e = t < 0.01 ? t / 0.01 : t < len ? 1.0 - 0.3 * (t / len) : 0.7 * std::exp(-(t - len) / 0.08);
        return amp * e * (0.7 * tri(2 * kPi * f * t) + 0.3 * std::sin(4 * kPi * f * t));
    };
}

bool writeWav(const fs::path& file, const std::vector<double>& s) {
    std::ofstream out(file, std::ios::binary);
    auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [&](uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
    uint32_t bytes = static_cast<uint32_t>(s.size() * 2);
    out.write("RIFF", 4);
    u32(36 + bytes);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(1);  // PCM
    u16(1);  // mono
    u32(kRate);
    u32(kRate * 2);
    u16(2);
    u16(16);
    out.write("data", 4);
    u32(bytes);
    for (double x : s) u16(static_cast<uint16_t>(static_cast<int16_t>(std::lround(std::clamp(x, -1.0, 1.0) * 32767))));
    return static_cast<bool>(out);
}

struct Sound {
    const char* name;
    std::vector<double> samples;
};

std::vector<Sound> sounds() {
    std::vector<Sound> list;
    // A counted rep: a short, bright pluck.
    list.push_back({"rep", render(0.22, {{0.0, bell(988, 0.06)}})});
    // A good-form streak: three rising notes.
    list.push_back({"streak", render(0.55, {{0.0, bell(784, 0.09)}, {0.09, bell(988, 0.09)}, {0.18, bell(1175, 0.16)}})});
    // A set done: a warm chord that swells, with a soft shimmer of noise.
    {
        Noise n;
        Voice shimmer = [n](double t) mutable {
            if (t < 0) return 0.0;
            return 0.12 * n.next() * std::exp(-t / 0.25) * (0.5 + 0.5 * std::sin(2 * kPi * 6 * t));
        };
        list.push_back({"set_done", render(1.1, {{0.0, note(523.25, 0.55, 0.6)}, {0.0, note(659.25, 0.55, 0.5)},
                                                 {0.0, note(783.99, 0.55, 0.5)}, {0.12, bell(1568, 0.3, 0.5)},
                                                 {0.0, shimmer}})});
    }
    // A level up: a little fanfare.
    list.push_back({"level_up", render(1.6, {{0.0, note(523.25, 0.14)}, {0.16, note(659.25, 0.14)},
                                             {0.32, note(783.99, 0.14)}, {0.48, note(1046.5, 0.6)},
                                             {0.48, note(783.99, 0.6, 0.5)}, {0.48, bell(2093, 0.4, 0.4)}})});
    // A star caught: a high chime.
    list.push_back({"star", render(0.7, {{0.0, bell(1319, 0.2)}, {0.05, bell(1760, 0.25, 0.7)}})});
    // The box dropped: a falling thump.
    {
        Noise n;
        Voice thud = [](double t) {
            if (t < 0) return 0.0;
            double f = 60 + 120 * std::exp(-t / 0.05);
            return std::exp(-t / 0.12) * std::sin(2 * kPi * f * t);
        };
        Voice knock = [n](double t) mutable { return t < 0 ? 0.0 : 0.5 * n.next() * std::exp(-t / 0.03); };
        list.push_back({"drop", render(0.5, {{0.0, thud}, {0.0, knock}})});
    }
    // A wobble: a soft warble, a warning without alarm.
    {
        Voice warble = [](double t) {
            if (t < 0) return 0.0;
            double f = 330 + 25 * std::sin(2 * kPi * 7 * t);
            return env(t, 0.03, 0.15) * std::sin(2 * kPi * f * t);
        };
        list.push_back({"wobble", render(0.45, {{0.0, warble}})});
    }
    return list;
}

// ---- images ------------------------------------------------------------------------------------

using Draw = std::function<void(cairo_t*, double w, double h)>;

bool drawPng(const fs::path& file, int w, int h, const Draw& draw) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t* cr = cairo_create(s);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_GOOD);
    draw(cr, w, h);
    cairo_destroy(cr);
    cairo_status_t st = cairo_surface_write_to_png(s, file.c_str());
    cairo_surface_destroy(s);
    return st == CAIRO_STATUS_SUCCESS;
}

void rgb(cairo_t* cr, int r, int g, int b, double a = 1.0) { cairo_set_source_rgba(cr, r / 255.0, g / 255.0, b / 255.0, a); }

void roundRect(cairo_t* cr, double x, double y, double w, double h, double r) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -kPi / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, kPi / 2);
    cairo_arc(cr, x + r, y + h - r, r, kPi / 2, kPi);
    cairo_arc(cr, x + r, y + r, r, kPi, 3 * kPi / 2);
    cairo_close_path(cr);
}

void starPath(cairo_t* cr, double cx, double cy, double r, double inner) {
    for (int i = 0; i < 10; ++i) {
        double a = -kPi / 2 + i * kPi / 5, rr = i % 2 ? r * inner : r;
        if (i == 0) cairo_move_to(cr, cx + rr * std::cos(a), cy + rr * std::sin(a));
        else cairo_line_to(cr, cx + rr * std::cos(a), cy + rr * std::sin(a));
    }
    cairo_close_path(cr);
}

struct Image {
    const char* name;
    int w, h;
    Draw draw;
};

std::vector<Image> images() {
    std::vector<Image> list;
    list.push_back({"balloon", 256, 384, [](cairo_t* cr, double w, double h) {
                        // The envelope: a teardrop with a highlight; the basket below on ropes.
                        double cx = w / 2, cy = h * 0.34, r = w * 0.40;
                        cairo_pattern_t* g = cairo_pattern_create_radial(cx - r * 0.35, cy - r * 0.4, r * 0.1, cx, cy, r * 1.1);
                        cairo_pattern_add_color_stop_rgb(g, 0, 1.0, 0.62, 0.45);
                        cairo_pattern_add_color_stop_rgb(g, 1, 0.86, 0.25, 0.22);
                        cairo_move_to(cr, cx, cy + r * 1.25);
                        cairo_curve_to(cr, cx - r * 0.9, cy + r * 0.75, cx - r * 1.05, cy - r * 0.2, cx - r * 0.7, cy - r * 0.72);
                        cairo_curve_to(cr, cx - r * 0.35, cy - r * 1.1, cx + r * 0.35, cy - r * 1.1, cx + r * 0.7, cy - r * 0.72);
                        cairo_curve_to(cr, cx + r * 1.05, cy - r * 0.2, cx + r * 0.9, cy + r * 0.75, cx, cy + r * 1.25);
                        cairo_set_source(cr, g);
                        cairo_fill_preserve(cr);
                        cairo_pattern_destroy(g);
                        rgb(cr, 120, 30, 30, 0.6);
                        cairo_set_line_width(cr, 3);
                        cairo_stroke(cr);
                        // stripes
                        rgb(cr, 255, 235, 190, 0.55);
                        cairo_set_line_width(cr, 10);
                        cairo_move_to(cr, cx, cy - r * 0.98);
                        cairo_curve_to(cr, cx - r * 0.3, cy - r * 0.3, cx - r * 0.3, cy + r * 0.6, cx, cy + r * 1.22);
                        cairo_stroke(cr);
                        // ropes and basket
                        double by = h * 0.82;
                        rgb(cr, 90, 70, 50);
                        cairo_set_line_width(cr, 3);
                        cairo_move_to(cr, cx - 10, cy + r * 1.22);
                        cairo_line_to(cr, cx - 26, by);
                        cairo_move_to(cr, cx + 10, cy + r * 1.22);
                        cairo_line_to(cr, cx + 26, by);
                        cairo_stroke(cr);
                        roundRect(cr, cx - 34, by, 68, h * 0.13, 8);
                        rgb(cr, 176, 120, 70);
                        cairo_fill_preserve(cr);
                        rgb(cr, 110, 70, 40);
                        cairo_stroke(cr);
                    }});
    list.push_back({"box", 192, 160, [](cairo_t* cr, double w, double h) {
                        // A cardboard box, front and top, with tape.
                        double d = w * 0.16;
                        cairo_move_to(cr, 8, d + 8);
                        cairo_line_to(cr, 8 + d, 8);
                        cairo_line_to(cr, w - 8, 8);
                        cairo_line_to(cr, w - 8 - d, d + 8);
                        cairo_close_path(cr);
                        rgb(cr, 222, 176, 120);
                        cairo_fill(cr);
                        cairo_move_to(cr, w - 8 - d, d + 8);
                        cairo_line_to(cr, w - 8, 8);
                        cairo_line_to(cr, w - 8, h - 8 - d);
                        cairo_line_to(cr, w - 8 - d, h - 8);
                        cairo_close_path(cr);
                        rgb(cr, 170, 120, 70);
                        cairo_fill(cr);
                        cairo_rectangle(cr, 8, d + 8, w - 16 - d, h - 16 - d);
                        rgb(cr, 200, 150, 95);
                        cairo_fill(cr);
                        rgb(cr, 240, 220, 170);
                        cairo_rectangle(cr, (w - d) / 2 - 10, d + 8, 20, (h - 16 - d) * 0.45);
                        cairo_fill(cr);
                        rgb(cr, 120, 80, 45);
                        cairo_set_line_width(cr, 3);
                        cairo_rectangle(cr, 8, d + 8, w - 16 - d, h - 16 - d);
                        cairo_stroke(cr);
                    }});
    list.push_back({"shelf", 512, 96, [](cairo_t* cr, double w, double h) {
                        // A wooden plank on two brackets.
                        cairo_pattern_t* g = cairo_pattern_create_linear(0, 0, 0, h * 0.4);
                        cairo_pattern_add_color_stop_rgb(g, 0, 0.72, 0.52, 0.32);
                        cairo_pattern_add_color_stop_rgb(g, 1, 0.52, 0.35, 0.2);
                        roundRect(cr, 4, 4, w - 8, h * 0.34, 6);
                        cairo_set_source(cr, g);
                        cairo_fill(cr);
                        cairo_pattern_destroy(g);
                        rgb(cr, 120, 128, 140);
                        for (double x : {w * 0.15, w * 0.85}) {
                            cairo_move_to(cr, x - 10, h * 0.34);
                            cairo_line_to(cr, x + 10, h * 0.34);
                            cairo_line_to(cr, x - 10, h - 6);
                            cairo_close_path(cr);
                            cairo_fill(cr);
                        }
                    }});
    list.push_back({"star", 128, 128, [](cairo_t* cr, double w, double h) {
                        // A gold star with a glow.
                        cairo_pattern_t* glow = cairo_pattern_create_radial(w / 2, h / 2, 0, w / 2, h / 2, w / 2);
                        cairo_pattern_add_color_stop_rgba(glow, 0, 1, 0.9, 0.5, 0.55);
                        cairo_pattern_add_color_stop_rgba(glow, 1, 1, 0.9, 0.5, 0);
                        cairo_set_source(cr, glow);
                        cairo_paint(cr);
                        cairo_pattern_destroy(glow);
                        starPath(cr, w / 2, h / 2 + 3, w * 0.40, 0.45);
                        cairo_pattern_t* g = cairo_pattern_create_linear(0, h * 0.1, 0, h * 0.9);
                        cairo_pattern_add_color_stop_rgb(g, 0, 1.0, 0.88, 0.4);
                        cairo_pattern_add_color_stop_rgb(g, 1, 0.95, 0.62, 0.1);
                        cairo_set_source(cr, g);
                        cairo_fill_preserve(cr);
                        cairo_pattern_destroy(g);
                        rgb(cr, 170, 110, 10);
                        cairo_set_line_width(cr, 3);
                        cairo_stroke(cr);
                    }});
    list.push_back({"badge", 160, 160, [](cairo_t* cr, double w, double h) {
                        // A round medal with ribbon tails and a star.
                        rgb(cr, 66, 133, 244);
                        cairo_move_to(cr, w * 0.3, h * 0.55);
                        cairo_line_to(cr, w * 0.2, h * 0.98);
                        cairo_line_to(cr, w * 0.36, h * 0.88);
                        cairo_line_to(cr, w * 0.45, h * 0.98);
                        cairo_line_to(cr, w * 0.5, h * 0.6);
                        cairo_fill(cr);
                        rgb(cr, 38, 166, 154);
                        cairo_move_to(cr, w * 0.7, h * 0.55);
                        cairo_line_to(cr, w * 0.8, h * 0.98);
                        cairo_line_to(cr, w * 0.64, h * 0.88);
                        cairo_line_to(cr, w * 0.55, h * 0.98);
                        cairo_line_to(cr, w * 0.5, h * 0.6);
                        cairo_fill(cr);
                        cairo_arc(cr, w / 2, h * 0.42, w * 0.36, 0, 2 * kPi);
                        cairo_pattern_t* g = cairo_pattern_create_radial(w * 0.4, h * 0.32, 4, w / 2, h * 0.42, w * 0.38);
                        cairo_pattern_add_color_stop_rgb(g, 0, 1.0, 0.9, 0.55);
                        cairo_pattern_add_color_stop_rgb(g, 1, 0.85, 0.6, 0.15);
                        cairo_set_source(cr, g);
                        cairo_fill(cr);
                        cairo_pattern_destroy(g);
                        starPath(cr, w / 2, h * 0.43, w * 0.2, 0.45);
                        rgb(cr, 255, 255, 255, 0.9);
                        cairo_fill(cr);
                    }});
    return list;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2 || std::string(argv[1]) == "--help") {
        std::cerr << "Usage: ptcoach-make-assets DIR\nWrites the game's sounds (DIR/sounds/*.wav) and images "
                     "(DIR/images/*.png), made from code alone.\n";
        return argc == 2 ? 0 : 2;
    }
    fs::path dir = argv[1];
    std::error_code ec;
    fs::create_directories(dir / "sounds", ec);
    fs::create_directories(dir / "images", ec);
    if (ec) {
        std::cerr << "ptcoach-make-assets: cannot create " << dir.string() << ": " << ec.message() << "\n";
        return 1;
    }
    int written = 0;
    for (const auto& s : sounds()) {
        fs::path f = dir / "sounds" / (std::string(s.name) + ".wav");
        if (!writeWav(f, s.samples)) {
            std::cerr << "ptcoach-make-assets: cannot write " << f.string() << "\n";
            return 1;
        }
        ++written;
    }
    for (const auto& im : images()) {
        fs::path f = dir / "images" / (std::string(im.name) + ".png");
        if (!drawPng(f, im.w, im.h, im.draw)) {
            std::cerr << "ptcoach-make-assets: cannot write " << f.string() << "\n";
            return 1;
        }
        ++written;
    }
    std::cout << "ptcoach-make-assets: wrote " << written << " files into " << dir.string() << "\n";
    return 0;
}

#pragma once
// Layer-by-layer and whole-model timing of a TFLite model on both backends (XNNPACK and
// OpenCV), for ptcoach-pose --bench-layers. A benchmark, not a test: the figures depend on the
// machine and on what else runs on it.
#include <filesystem>
#include <string>
#include <vector>

#include "ptcoach/core/expected.h"

namespace ptcoach::vision {

struct LayerTiming {
    int op = -1;              // TFLite operator position
    std::string name;         // "CONV_2D", ...
    std::string kind;         // "1x1", "3x3/2", "dw5x5/2", "" for non-convolutions
    std::string shape;        // "[1,64,64,96]->[1,64,64,48]"
    double mmacs = 0;         // million multiply-adds (dense count), 0 for non-convolutions
    double nonzeroMmacs = 0;  // with zero weights left out
    double opencvMs = 0;      // median; the op's layers in the whole OpenCV net (0: none)
    double xnnpackMs = 0;     // median; the op alone as an XNNPACK subgraph
};

struct ModelTiming {
    std::string model;
    int threads = 1;
    double opencvMs = 0, xnnpackMs = 0;  // whole model, median
    double opencvOtherMs = 0;            // OpenCV layers of no operator (layout permutes, pads)
    std::vector<LayerTiming> layers;
};

// Runs each backend `runs` times on random input (after warm-up runs). With `cpuClock` the
// times are the process's CPU time (CLOCK_PROCESS_CPUTIME_ID) instead of wall time: with one
// thread that is the work itself, unaffected by other processes taking the cores (but not by
// their use of the caches); with more threads it adds up every thread, idle spinning included.
Expected<ModelTiming> benchModelLayers(const std::filesystem::path& tflite, const std::vector<int>& skipOutputs,
                                       int runs, int threads, bool cpuClock = false);

}  // namespace ptcoach::vision

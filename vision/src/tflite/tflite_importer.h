#pragma once
// Builds a cv::dnn::Net equivalent to a parsed TFLite model (see tflite_reader.h).
#include <map>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "tflite/tflite_reader.h"

namespace ptcoach::vision::tflite {

struct ImportedTensor {
    std::string name;        // TFLite tensor name (inputs: also the net's input name)
    std::vector<int> shape;  // TFLite shape
    bool nchwInNet = false;  // 4D tensor held as NCHW in the net (TFLite layout is NHWC)
    std::string layerName;   // outputs: the layer to ask net.forward() for
};

struct ImportResult {
    cv::dnn::Net net;
    std::vector<ImportedTensor> inputs, outputs;
    std::map<std::string, int> opCounts;     // TFLite op name -> count
    std::map<std::string, int> layerCounts;  // cv::dnn layer type -> count
};

// Throws ImportError (or cv::Exception from OpenCV) on failure. Model outputs listed (by position)
// in skipOutputs are not built, nor any operator that only feeds them.
ImportResult importModel(const ModelReader& model, const std::vector<int>& skipOutputs = {});

}  // namespace ptcoach::vision::tflite

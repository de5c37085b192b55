#pragma once
// A shipped exercise for a test: a load that fails fails the test, with the loader's message.
#include <string>

#include "ptcoach/analysis/exercise.h"
#include "test_support.h"

namespace ptcoach::test {

inline analysis::ExerciseDefinition shippedExercise(const std::string& id) {
    auto d = analysis::loadExerciseById(id);
    INFO((d.ok() ? "" : d.error().message));
    REQUIRE(d.ok());
    return *d;
}

}  // namespace ptcoach::test

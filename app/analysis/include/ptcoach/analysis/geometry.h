#pragma once
// Geometry on landmarks: joint angles in 2D (image, aspect-corrected) and 3D (world landmarks),
// inclinations from vertical, offsets. The measures in measures.h are built from these.
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>

#include "ptcoach/analysis/landmark_frame.h"

namespace ptcoach::analysis {

// Image point in an aspect-corrected frame: x scaled by width/height so that one unit is the same
// length horizontally and vertically (y down, as in the image). Square when the size is unknown.
glm::vec2 imagePoint(const LandmarkFrame& f, int landmark);
glm::vec2 imageMid(const LandmarkFrame& f, int a, int b);
// World point (metres, y down) of a frame that has world landmarks.
glm::vec3 worldPoint(const LandmarkFrame& f, int landmark);
glm::vec3 worldMid(const LandmarkFrame& f, int a, int b);

// The angle at `b` between b->a and b->c, in degrees (0..180); 180 for a straight line.
float jointAngle(glm::vec2 a, glm::vec2 b, glm::vec2 c);
float jointAngle(glm::vec3 a, glm::vec3 b, glm::vec3 c);

// Angle of the segment from -> to against the upward vertical, in degrees (0..180), image space.
float inclinationFromVertical(glm::vec2 from, glm::vec2 to);
// Signed: positive when `to` lies on the +x side of `from` (image right), in degrees (-180..180).
float signedInclination(glm::vec2 from, glm::vec2 to);

// Angle of the line a->b against the image horizontal, folded to 0..90 degrees.
float tiltFromHorizontal(glm::vec2 a, glm::vec2 b);

// Signed perpendicular offset of p from the line a->b, divided by |ab|; positive on the side the
// vector `side` points to.
float lineOffset(glm::vec2 a, glm::vec2 b, glm::vec2 p, glm::vec2 side);

}  // namespace ptcoach::analysis

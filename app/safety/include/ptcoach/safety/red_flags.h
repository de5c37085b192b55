#pragma once
// The red-flag questions of ../shared/clinical-notes.md: one list, with stable ids, in three tiers,
// and one advice text per question. The session check-in and the Recovery screen both ask from
// this list, and a "yes" is judged here the same way wherever it was given. No storage, no UI.
//
// Tiers: emergency (stop and seek care now; no exercise until resolved), clinician (exercise is
// blocked until resolved), advice (shown, recorded and visible to the therapist; no block).
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <map>

namespace ptcoach::safety {

enum class Tier { Emergency, Clinician, Advice };
std::string_view tierName(Tier t);                 // "emergency", "clinician", "advice"
std::optional<Tier> tierFromName(std::string_view name);
std::string_view tierLabel(Tier t);                // "Emergency", "See a clinician", "Advice"
bool blocks(Tier t);                               // emergency and clinician

enum class ListKind { Full, Short };
std::string_view listKindName(ListKind k);         // "full", "short"

struct Question {
    std::string id;          // stable: stored with every answer
    std::string text;        // asked as a yes/no question
    std::string shortText;   // a few words naming it ("bladder or bowel control")
    Tier tier = Tier::Clinician;
    bool inShort = false;    // also asked before every session (the full list comes with a new episode)
    bool contraindicatesHeat = false;  // no heat with this (swelling, redness, fever)
    std::string advice;      // what a "yes" means for the person, in plain words
};

// Every question, in the order asked (emergency first).
const std::vector<Question>& questions();
// The questions of a list, in the order asked.
std::vector<const Question*> questionsOf(ListKind kind);
const Question* question(std::string_view id);

using Answers = std::map<std::string, bool>;  // question id -> yes

// What a set of answers means.
struct Outcome {
    bool anyYes = false;
    bool blocked = false;        // a yes of the emergency or clinician tier
    bool emergency = false;      // a yes of the emergency tier
    bool heatContraindicated = false;
    std::vector<const Question*> yes;  // the questions answered yes, in the order asked
    std::string heading;         // "Seek emergency care now", "No exercise until a clinician has seen you", ...
    std::string advice;          // each yes question's advice, most urgent first; empty when all no
};
Outcome evaluate(const Answers& answers);

// Every id is a question and the given ids (the ones asked) are all answered.
// Returns a sentence naming the first problem, or nothing.
std::optional<std::string> checkAnswers(const std::vector<std::string>& asked, const Answers& answers);

}  // namespace ptcoach::safety

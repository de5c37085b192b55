#include "ptcoach/safety/red_flags.h"

#include <algorithm>

namespace ptcoach::safety {

std::string_view tierName(Tier t) {
    switch (t) {
        case Tier::Emergency: return "emergency";
        case Tier::Clinician: return "clinician";
        case Tier::Advice: return "advice";
    }
    return "clinician";
}

std::optional<Tier> tierFromName(std::string_view name) {
    for (Tier t : {Tier::Emergency, Tier::Clinician, Tier::Advice})
        if (tierName(t) == name) return t;
    return std::nullopt;
}

std::string_view tierLabel(Tier t) {
    switch (t) {
        case Tier::Emergency: return "Emergency";
        case Tier::Clinician: return "See a clinician";
        case Tier::Advice: return "Advice";
    }
    return "";
}

bool blocks(Tier t) { return t != Tier::Advice; }

std::string_view listKindName(ListKind k) { return k == ListKind::Full ? "full" : "short"; }

const std::vector<Question>& questions() {
    // From ../shared/clinical-notes.md, "Red flags: screen before exercise, in three tiers".
    static const std::vector<Question> q = {
        // Emergency: stop now and seek emergency care; no exercise until resolved.
        {"bladder_bowel",
         "Have you lost control of your bladder or bowels, or do you have trouble starting to pass urine or holding "
         "a bowel movement?",
         "bladder or bowel control", Tier::Emergency, true, false,
         "Seek emergency care now. Changes in bladder or bowel control with back pain can mean pressure on the nerves "
         "at the base of the spine, which needs urgent treatment. Do not exercise."},
        {"saddle_numbness", "Is there numbness in your groin, buttocks or inner thighs (the \"saddle\" area)?",
         "numbness in the saddle area", Tier::Emergency, true, false,
         "Seek emergency care now. Numbness in the groin, buttocks or inner thighs with back pain can mean pressure on "
         "the nerves at the base of the spine, which needs urgent treatment. Do not exercise."},
        {"legs_weak", "Are both of your legs weak, or is weakness in one leg getting worse?", "weakness in both legs",
         Tier::Emergency, true, false,
         "Seek emergency care now. Weakness in both legs, or weakness that is getting worse, needs urgent medical "
         "attention. Do not exercise."},
        // See a clinician: exercise is blocked until resolved.
        {"leg_numbness", "Do you have numbness, tingling or weakness in one leg, or do you feel weak or uncoordinated?",
         "numbness, tingling or weakness in a leg", Tier::Clinician, true, false,
         "See a clinician (your doctor or physical therapist) before you exercise: numbness, tingling or weakness can "
         "mean an irritated nerve, which needs a professional's check."},
        {"leg_pain", "Does the pain travel down one or both legs, especially below the knee?",
         "pain travelling down a leg", Tier::Clinician, true, false,
         "See a clinician before you exercise: pain that travels down a leg can come from a nerve and needs a "
         "professional's check first."},
        {"trauma", "Did the pain start after a fall, an accident or another hard knock (could something be broken)?",
         "pain after a fall or an accident", Tier::Clinician, true, false,
         "See a clinician before you exercise: back pain after a fall or an accident needs checking for a fracture."},
        {"fever_weight", "Do you have a fever, or have you lost weight without trying in recent weeks?",
         "fever or unexplained weight loss", Tier::Clinician, true, true,
         "See a clinician before you exercise: back pain with a fever or weight loss you cannot explain needs a "
         "doctor's check. No heat while you have a fever."},
        {"swelling", "Is there swelling or redness over your back?", "swelling or redness over the back",
         Tier::Clinician, true, true,
         "See a clinician before you exercise: swelling or redness over the back needs a professional's check. No "
         "heat over swelling or redness."},
        {"walking", "Are you unable to walk normally?", "unable to walk normally", Tier::Clinician, true, false,
         "See a clinician before you exercise: not being able to walk normally needs a professional's check."},
        {"night_pain", "Is the pain intense and unrelenting at night or when you lie down?",
         "intense pain at night or lying down", Tier::Clinician, false, false,
         "See a clinician before you exercise: intense pain that does not ease at night or when lying down needs a "
         "doctor's check."},
        // Advice: shown, recorded and visible to the therapist; no block.
        {"no_improvement",
         "Has this episode not improved after 1-2 weeks of rest and self-care, or has the pain lasted more than 2 "
         "weeks?",
         "no improvement after 1-2 weeks", Tier::Advice, false, false,
         "See a clinician soon if you have not already: pain that has not improved after 1-2 weeks deserves a check. "
         "Gentle exercise is fine meanwhile. If a therapist already follows you for long-lasting pain, carry on with "
         "your programme and tell them."},
        {"upright", "Do the spasms make it hard to sit or stand upright?", "hard to sit or stand upright", Tier::Advice,
         false, false,
         "Rest in a comfortable position (on your back with pillows under your knees), use ice in the first 48 hours "
         "and move gently as you can. See a clinician if it does not ease within a few days."},
    };
    return q;
}

std::vector<const Question*> questionsOf(ListKind kind) {
    std::vector<const Question*> out;
    for (const auto& q : questions())
        if (kind == ListKind::Full || q.inShort) out.push_back(&q);
    return out;
}

const Question* question(std::string_view id) {
    for (const auto& q : questions())
        if (q.id == id) return &q;
    return nullptr;
}

Outcome evaluate(const Answers& answers) {
    Outcome o;
    for (const auto& q : questions()) {
        auto it = answers.find(q.id);
        if (it == answers.end() || !it->second) continue;
        o.anyYes = true;
        o.yes.push_back(&q);
        o.blocked = o.blocked || blocks(q.tier);
        o.emergency = o.emergency || q.tier == Tier::Emergency;
        o.heatContraindicated = o.heatContraindicated || q.contraindicatesHeat;
    }
    // Most urgent first: the list is already in tier order.
    for (const Question* q : o.yes) o.advice += (o.advice.empty() ? "" : "\n") + q->advice;
    if (o.emergency) o.heading = "Seek emergency care now";
    else if (o.blocked) o.heading = "No exercise until a clinician has seen you";
    else if (o.anyYes) o.heading = "Go gently, and see a clinician if it does not ease";
    return o;
}

std::optional<std::string> checkAnswers(const std::vector<std::string>& asked, const Answers& answers) {
    for (const auto& [id, yes] : answers) {
        (void)yes;
        if (!question(id)) return "'" + id + "' is not a red-flag question";
    }
    for (const auto& id : asked) {
        if (!question(id)) return "'" + id + "' is not a red-flag question";
        if (!answers.count(id)) return "answer every question (yes or no): \"" + question(id)->text + "\"";
    }
    return std::nullopt;
}

}  // namespace ptcoach::safety

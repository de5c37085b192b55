#include "patient_import.h"
#include "ptcoach/core/clock.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "app_options.h"
#include "ptcoach/engine/calendar.h"
#include "ptcoach/engine/exchange.h"
#include "ptcoach/engine/program.h"
#include "ptcoach/storage/account_store.h"

namespace ptcoach::ui {

Expected<ImportPreview> previewImport(const std::filesystem::path& file,
                                      const std::vector<analysis::ExerciseDefinition>& exercises) {
    ImportPreview p;
    // Read once: the size and the file's type are checked before anything is read.
    auto doc = engine::readExchangeJson(file, "a program or assignment file");
    if (!doc) return doc.error();
    const auto format = doc->is_object() ? doc->find("format") : doc->end();
    if (format != doc->end() && *format == engine::kAssignmentFormat) {
        auto af = engine::parseAssignment(*doc, file.string(), exercises);
        if (!af) return makeError(af.error().message);
        p.assignment = true;
        p.programTitle = af->program.title;
        p.patientName = af->patientName;
        p.patientCode = af->patientCode;
        p.therapist = af->therapist;
        p.startDate = af->startDate;
        return p;
    }
    auto prog = engine::importProgramJson(*doc, file.string(), exercises);
    if (!prog) return makeError(prog.error().message);
    p.programTitle = prog->title;
    p.startDate = engine::dayText(engine::localDay(wallNow()));
    return p;
}

std::string describeImport(const ImportPreview& p) {
    if (!p.assignment) return "A program file: " + p.programTitle + ", starting today (" + p.startDate + ").";
    return "This assignment is for " + p.patientName + (p.patientCode.empty() ? "" : " (code " + p.patientCode + ")") +
           ", from " + p.therapist + ": " + p.programTitle + ", from " + p.startDate + ".";
}

Expected<std::string> importForPatient(storage::Database& db, storage::Id patientId, const std::filesystem::path& file,
                                       const std::vector<analysis::ExerciseDefinition>& exercises) {
    storage::Assignment a;
    a.patientId = patientId;
    std::string what;
    // Read once: the size and the file's type are checked before anything is read (a FIFO or a
    // huge file is an error, not a hang or the memory it would take).
    auto doc = engine::readExchangeJson(file, "a program or assignment file");
    if (!doc) return doc.error();
    const auto format = doc->is_object() ? doc->find("format") : doc->end();
    if (format != doc->end() && *format == engine::kAssignmentFormat) {
        auto af = engine::parseAssignment(*doc, file.string(), exercises);
        if (!af) return makeError(af.error().message);
        a.programId = af->program.id;
        a.definition = engine::programToJson(af->program).dump();
        a.startDate = af->startDate;
        a.notes = af->notes;
        what = af->program.title + " from " + af->therapist + ", from " + af->startDate;
    } else {
        // A program file (or not a PT Coach file at all: the program reader says what is wrong).
        auto p = engine::importProgramJson(*doc, file.string(), exercises);
        if (!p) return makeError(p.error().message);
        a.programId = p->id;
        a.definition = engine::programToJson(*p).dump();
        a.startDate = engine::dayText(engine::localDay(wallNow()));
        a.notes = p->notes;
        what = p->title + ", from today (" + a.startDate + ")";
    }
    storage::AccountStore acc(db);
    auto id = acc.assign(a);
    if (!id) return makeError("could not save the program from " + file.string() + ": " + id.error().message);
    return "Your program is now " + what + ".";
}

int runImport(const AppOptions& o) {
    auto db = openDatabase(o);
    if (!db) {
        std::cerr << "ptcoach: " << db.error().message << "\n";
        return 1;
    }
    auto patient = headlessPatient(**db, o);
    if (!patient) {
        std::cerr << "ptcoach: " << patient.error().message << "\n";
        return 1;
    }
    auto lib = engine::loadLibrary();
    if (!lib) {
        std::cerr << "ptcoach: " << lib.error().message << "\n";
        return 1;
    }
    auto preview = previewImport(*o.importFile, lib->exercises);
    if (!preview) {
        std::cerr << "ptcoach: import failed: " << preview.error().message << "\n";
        return 1;
    }
    std::cout << "ptcoach: " << describeImport(*preview) << "\n";
    // Someone else's assignment is not taken in quietly: only into an unnamed home profile ("Me"),
    // or the patient it names.
    auto me = storage::AccountStore(**db).account(*patient);
    if (!me) {
        std::cerr << "ptcoach: " << me.error().message << "\n";
        return 1;
    }
    if (preview->assignment && me->name != "Me" && me->name != preview->patientName) {
        std::cerr << "ptcoach: not taken in: this assignment is for " << preview->patientName << ", not for " << me->name
                  << " (import it with --profile '" << preview->patientName << "' if that is the right person)\n";
        return 1;
    }
    auto r = importForPatient(**db, *patient, *o.importFile, lib->exercises);
    if (!r) {
        std::cerr << "ptcoach: import failed: " << r.error().message << "\n";
        return 1;
    }
    std::cout << "ptcoach: " << *r << "\n";
    return 0;
}

}  // namespace ptcoach::ui

#include "ptcoach/engine/exchange.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ptcoach/core/file_read.h"
#include "ptcoach/core/json_check.h"

namespace ptcoach::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string errnoText(int e) { return std::strerror(e); }

// What a failed write most likely means, for the person saving.
std::string hint(int e) {
    switch (e) {
        case ENOSPC:
        case EDQUOT: return " (the disk is full)";
        case EFBIG: return " (the file is larger than allowed here)";
        case EACCES:
        case EPERM: return " (no permission to write in that folder)";
        case EROFS: return " (the disk is read-only)";
        default: return "";
    }
}

bool writeAll(int fd, const std::string& data, int& err) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            return false;
        }
        if (n == 0) {
            err = EIO;
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

// Reads a JSON exchange file: a regular file (a FIFO or a device is refused before it is opened
// for reading), not empty, not too large (checked before reading), valid JSON (file:line:column
// and the JSON path otherwise).
Expected<json> readExchangeJson(const fs::path& file, const char* what) {
    auto text = readRegularFile(file, kMaxExchangeFileBytes, what);
    if (!text) return text.error();
    if (text->empty()) return makeError(file.string() + ": is empty, not " + what);
    return parseJsonText(*text, file.string());
}

namespace {

void addLine(std::string& text, const std::string& line) {
    if (!text.empty()) text.push_back('\n');
    text.append(line);
}

// The embedded program's errors, with "$" turned into "$.program".
std::string underProgram(const std::string& message, const std::string& file) {
    const std::string from = file + ": $";
    std::string out;
    size_t pos = 0;
    while (pos <= message.size()) {
        size_t nl = message.find('\n', pos);
        std::string line = message.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (line.rfind(from, 0) == 0) line = file + ": $.program" + line.substr(from.size());
        addLine(out, line);
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    return out;
}

void checkName(JsonCheck& c, const std::string& path, const std::string& v, bool required, size_t max) {
    bool blank = v.find_first_not_of(" \t") == std::string::npos;
    if (required && blank) c.problem(path, "must not be empty");
    if (v.size() > max) c.problem(path, "too long: " + std::to_string(v.size()) + " characters, at most " + std::to_string(max));
    for (unsigned char ch : v)
        if (ch < 0x20 || ch == 0x7f) {
            c.problem(path, "has a control character (a line break?)");
            break;
        }
}

}  // namespace

Status writeFileAtomic(const fs::path& path, const std::string& contents) {
    if (path.empty() || path.filename().empty()) return makeError("cannot save: no file name given");
    const std::string where = "cannot save " + path.string();
    fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return makeError(where + ": the folder " + dir.string() + " does not exist");
    if (fs::is_directory(path, ec)) return makeError(where + ": a folder has that name");

    static std::atomic<unsigned> counter{0};
    std::string tmpName = ".";  // hidden, next to the target so the rename stays on one file system
    tmpName.append(path.filename().string());
    tmpName.append(".tmp-");
    tmpName.append(std::to_string(::getpid()));
    tmpName.push_back('-');
    tmpName.append(std::to_string(counter.fetch_add(1)));
    fs::path tmp = dir / tmpName;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        return makeError(where + ": cannot create a file in " + dir.string() + ": " + errnoText(e) + hint(e));
    }
    int err = 0;
    bool ok = writeAll(fd, contents, err);
    if (ok && ::fsync(fd) != 0) ok = false, err = errno;
    if (::close(fd) != 0 && ok) ok = false, err = errno;
    if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) ok = false, err = errno;
    if (!ok) {
        ::unlink(tmp.c_str());
        return makeError(where + ": " + errnoText(err) + hint(err) + "; nothing was changed");
    }
    // Make the rename itself durable (best effort: some file systems refuse to sync a folder).
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
    return Status::success();
}

std::optional<int64_t> parseDate(const std::string& t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (t[i] < '0' || t[i] > '9') return std::nullopt;
    int y = std::stoi(t.substr(0, 4)), m = std::stoi(t.substr(5, 2)), d = std::stoi(t.substr(8, 2));
    if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1) return std::nullopt;
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int maxD = len[m - 1] + (m == 2 && leap ? 1 : 0);
    if (d > maxD) return std::nullopt;
    // days_from_civil (Howard Hinnant), as calendar.cpp
    int64_t yy = y - (m <= 2);
    const int64_t era = yy / 400;  // yy >= 1969
    const unsigned yoe = static_cast<unsigned>(yy - era * 400);
    const unsigned mu = static_cast<unsigned>(m), du = static_cast<unsigned>(d);
    const unsigned doy = (153 * (mu + (mu > 2 ? -3 : 9)) + 2) / 5 + du - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// ---- program files

Expected<ProgramDefinition> importProgramFile(const fs::path& file, const std::vector<analysis::ExerciseDefinition>& exercises) {
    auto doc = readExchangeJson(file, "a program file");
    if (!doc) return doc.error();
    return importProgramJson(*doc, file.string(), exercises);
}

Expected<ProgramDefinition> importProgramJson(const json& j, const std::string& file,
                                              const std::vector<analysis::ExerciseDefinition>& exercises) {
    if (j.is_object() && j.contains("format") && j["format"] == kAssignmentFormat)
        return makeError(file + ": $.format: this is an assignment file (\"ptcoach-assignment\"), not a "
                                         "program: open it as an assignment");
    return parseProgram(j, file, exercises);
}

Status exportProgramFile(const ProgramDefinition& program, const fs::path& file) {
    return writeFileAtomic(file, programText(program));
}

// ---- assignment files

int AssignmentFile::weekOn(int64_t today) const {
    auto s = startDay();
    return s ? programWeek(*s, today) : 0;
}

ProgramDefinition AssignmentFile::programOn(int64_t today) const {
    return programForWeek(program, std::max(1, weekOn(today)));
}

nlohmann::ordered_json assignmentToJson(const AssignmentFile& a) {
    nlohmann::ordered_json j;
    j["format"] = kAssignmentFormat;
    j["version"] = kAssignmentFormatVersion;
    nlohmann::ordered_json patient;
    patient["name"] = a.patientName;
    if (!a.patientCode.empty()) patient["code"] = a.patientCode;
    j["patient"] = patient;
    j["therapist"] = a.therapist;
    j["start_date"] = a.startDate;
    if (!a.notes.empty()) j["notes"] = a.notes;
    j["program"] = programToOrderedJson(a.program);
    return j;
}

Expected<AssignmentFile> parseAssignment(const json& doc, const std::string& file,
                                         const std::vector<analysis::ExerciseDefinition>& exercises) {
    if (!doc.is_object()) return makeError(file + ": $: expected an object (an assignment file)");
    JsonCheck c(file);
    AssignmentFile a;
    a.file = file;
    std::string format = c.str(doc, "$", "format");
    if (doc.contains("format") && doc["format"].is_string() && format != kAssignmentFormat) {
        c.problem("$.format", "expected \"ptcoach-assignment\", found \"" + format + "\"" +
                                  (format == "ptcoach-program" ? " (a program file: import it as a program)" : ""));
        return makeError(c.message());  // another kind of file: its other keys mean nothing here
    }
    if (doc.contains("version") && doc["version"].is_number_integer() &&
        doc["version"].get<int64_t>() > kAssignmentFormatVersion)
        return makeError(file + ": $.version: version " + std::to_string(doc["version"].get<int64_t>()) +
                         " is newer than this build reads (" + std::to_string(kAssignmentFormatVersion) +
                         "); update PT Coach to open it");
    c.onlyKeys(doc, "$", {"format", "version", "patient", "therapist", "start_date", "notes", "program"});
    a.version = c.integer(doc, "$", "version", 1, kAssignmentFormatVersion);
    if (!doc.contains("patient") || !doc["patient"].is_object()) {
        c.problem("$.patient", "expected {\"name\": ..., \"code\": ...}");
    } else {
        const json& pj = doc["patient"];
        c.onlyKeys(pj, "$.patient", {"name", "code"});
        a.patientName = c.str(pj, "$.patient", "name");
        checkName(c, "$.patient.name", a.patientName, true, 100);
        a.patientCode = c.str(pj, "$.patient", "code", false);
        if (pj.contains("code") && pj["code"].is_string() &&
            (a.patientCode.empty() || a.patientCode.size() > 32 ||
             a.patientCode.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
                 std::string::npos))
            c.problem("$.patient.code", "'" + a.patientCode + "' must be 1-32 letters, digits, - or _");
    }
    a.therapist = c.str(doc, "$", "therapist");
    checkName(c, "$.therapist", a.therapist, true, 100);
    a.startDate = c.str(doc, "$", "start_date");
    if (doc.contains("start_date") && doc["start_date"].is_string() && !parseDate(a.startDate))
        c.problem("$.start_date", "'" + a.startDate + "' is not a calendar date (expected YYYY-MM-DD, e.g. 2026-03-02)");
    a.notes = c.str(doc, "$", "notes", false);
    if (a.notes.size() > kMaxProgramNotes)
        c.problem("$.notes", "too long: " + std::to_string(a.notes.size()) + " characters, at most " +
                                 std::to_string(kMaxProgramNotes));
    std::string message = c.message();
    if (!doc.contains("program")) {
        addLine(message, file + ": $.program: missing (the full program, format ptcoach-program)");
    } else {
        auto p = parseProgram(doc["program"], file, exercises);
        if (p)
            a.program = std::move(*p);
        else
            addLine(message, underProgram(p.error().message, file));
    }
    if (!message.empty()) return makeError(message);
    a.program.file = file;
    return a;
}

Status writeAssignmentFile(const AssignmentFile& a, const fs::path& file,
                           const std::vector<analysis::ExerciseDefinition>& exercises) {
    auto j = assignmentToJson(a);
    std::string text = j.dump(2) + "\n";
    auto check = parseAssignment(json::parse(text), file.string(), exercises);
    if (!check) return makeError("not saved, the assignment has problems:\n" + check.error().message);
    return writeFileAtomic(file, text);
}

Expected<AssignmentFile> readAssignmentFile(const fs::path& file, const std::vector<analysis::ExerciseDefinition>& exercises) {
    auto doc = readExchangeJson(file, "an assignment file");
    if (!doc) return doc.error();
    return parseAssignment(*doc, file.string(), exercises);
}

}  // namespace ptcoach::engine

#include "ptcoach/core/file_read.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ptcoach {

namespace {
std::string describeType(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a pipe (FIFO)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}
}  // namespace

Expected<std::string> readRegularFile(const std::filesystem::path& file, std::uintmax_t maxBytes,
                                      const std::string& what) {
    const std::string name = file.string();
    // O_NONBLOCK: opening a FIFO for reading does not wait for a writer; the type check below
    // then refuses it.
    int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT) return makeError(name + ": no such file");
        return makeError(name + ": cannot be opened for reading (" + std::strerror(e) + ")");
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        return makeError(name + ": cannot be read (" + std::strerror(e) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        std::string kind = describeType(st.st_mode);
        return makeError(name + ": is " + kind + ", not " + what);
    }
    auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > maxBytes) {
        ::close(fd);
        return makeError(name + ": is " + std::to_string(size) + " bytes, too large for " + what + " (at most " +
                         std::to_string(maxBytes) + ")");
    }
    std::string text;
    text.resize(static_cast<size_t>(size));
    size_t got = 0;
    while (true) {
        if (got == text.size()) {
            // The file may have grown since fstat: read on, within the limit.
            if (text.size() >= maxBytes + 1) break;
            text.resize(std::min<std::uintmax_t>(maxBytes + 1, text.size() + 65536));
        }
        ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            return makeError(name + ": cannot be read (" + std::strerror(e) + ")");
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    text.resize(got);
    if (got > maxBytes)
        return makeError(name + ": is more than " + std::to_string(maxBytes) + " bytes, too large for " + what);
    return text;
}

}  // namespace ptcoach

// ptcoach-analyze: reps, holds, posture and lifting form from landmarks.
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--help") {
            std::cout << "Usage: ptcoach-analyze --exercise ID|posture|lifting --input VIDEO|LANDMARKS.csv|POSE.json "
                         "--json OUT\n";
            return 0;
        }
    }
    std::cerr << "ptcoach-analyze: movement analysis is not in this build yet\n";
    return 1;
}

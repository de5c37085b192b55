// ptcoach-pose: BlazePose landmarks for images, videos and folders of images.
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--help") {
            std::cout << "Usage: ptcoach-pose --model lite|full|heavy|PATH --input IMAGE|VIDEO|DIR --json OUT.json\n";
            return 0;
        }
    }
    std::cerr << "ptcoach-pose: the pose pipeline is not in this build yet\n";
    return 1;
}

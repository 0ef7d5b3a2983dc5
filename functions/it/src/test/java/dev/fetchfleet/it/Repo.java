package dev.fetchfleet.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository the tests read as users would: events/, template.yaml, infrastructure/. */
final class Repo {

    private Repo() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("events")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the FetchFleet repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }
}

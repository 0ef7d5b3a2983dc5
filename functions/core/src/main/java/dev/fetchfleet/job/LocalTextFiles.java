package dev.fetchfleet.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;

/**
 * Opens files named on this machine ({@code requestsFrom}, a job file): only a regular file, after symlinks
 * are resolved, and never a kernel pseudo-file, a device, a FIFO or a directory. {@code /proc/self/environ}
 * holds the process's AWS keys; {@code /dev/zero} never ends; a FIFO blocks forever.
 */
public final class LocalTextFiles implements TextFiles {

    private static final List<Path> PSEUDO_ROOTS = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));
    /** File systems whose "regular files" are the kernel's views, wherever they are mounted. */
    private static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of("proc", "sysfs", "devtmpfs", "devpts", "debugfs",
            "securityfs", "tracefs", "cgroup", "cgroup2", "configfs", "efivarfs", "bpf", "fusectl", "pstore");

    @Override
    public Reader open(String location) throws IOException {
        return open(location, 0);
    }

    @Override
    public Reader open(String location, long offset) throws IOException {
        InputStream in = openRegularFile(Path.of(location));
        in.skipNBytes(offset);
        return strictUtf8(in);
    }

    /** Size and modification time: a file rewritten in place changes one or the other. */
    @Override
    public String version(String location) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(Path.of(location).toRealPath(), BasicFileAttributes.class);
        return attributes.size() + "@" + attributes.lastModifiedTime().toInstant();
    }

    /** UTF-8 that fails on a malformed byte rather than replacing it: byte offsets of lines are counted from the text. */
    public static Reader strictUtf8(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /** The file's bytes, once it is known to be a regular file of an ordinary file system. */
    static InputStream openRegularFile(Path file) throws IOException {
        Path real = file.toRealPath();
        for (Path pseudo : PSEUDO_ROOTS) {
            if (real.startsWith(pseudo)) {
                throw new IOException("refused: " + real + " is a kernel or device file, not a regular file");
            }
        }
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException("refused: " + real + " is " + (attributes.isDirectory() ? "a directory" : "not a regular file")
                    + "; name a regular file");
        }
        String type = Files.getFileStore(real).type();
        if (PSEUDO_FILE_SYSTEMS.contains(type)) {
            throw new IOException("refused: " + real + " is on a " + type + " file system, not a regular file");
        }
        return Files.newInputStream(real);
    }

    /** One line on why a file could not be read, without the JDK's class names. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

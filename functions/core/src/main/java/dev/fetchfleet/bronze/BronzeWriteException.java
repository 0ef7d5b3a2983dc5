package dev.fetchfleet.bronze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A local bronze object could not be written (a full disk, a read-only directory, a file where a folder
 * should be). Not an invalid job, and not worth redelivering: the message is the cause in one line.
 */
public final class BronzeWriteException extends UncheckedIOException {

    public BronzeWriteException(String location, IOException cause) {
        super("cannot write " + location + ": " + reason(cause), cause);
    }

    /** The nearest of {@code file} and its parents that exists and is not a folder: what the user must move. */
    private static String blocker(String file) {
        if (file == null) {
            return "a parent folder";
        }
        for (Path p = Path.of(file); p != null; p = p.getParent()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                return p.toString();
            }
        }
        return file;
    }

    /** The operating system's words ("No space left on device"), with the path they are about. */
    static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
                || e instanceof FileSystemException fs && "Not a directory".equals(fs.getReason())) {
            return "a file is in the way where a folder is needed (" + blocker(((FileSystemException) e).getFile()) + ")";
        }
        if (e instanceof AccessDeniedException denied) {
            return "Permission denied (" + denied.getFile() + ")";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}

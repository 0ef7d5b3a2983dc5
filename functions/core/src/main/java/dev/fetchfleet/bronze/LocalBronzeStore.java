package dev.fetchfleet.bronze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bronze in a local directory. Every write goes to a temporary file first and is then renamed, so a
 * reader (or a killed run) never sees half an object.
 */
public final class LocalBronzeStore implements BronzeStore {

    private final Path root;

    public LocalBronzeStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    private Path file(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("key escapes the bronze root: " + key);
        }
        return file;
    }

    /**
     * The bytes in a temp file of their own beside the target (a unique name per write, so concurrent writers
     * never share one), removed again if anything fails: a full disk must not stay full of our leftovers.
     */
    private Path writeTemp(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(temp, bytes);
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a stray temp file is harmless to readers, which skip dot files
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path target = file(key);
        Path temp = null;
        try {
            temp = writeTemp(target, bytes);
            Files.deleteIfExists(metadataFile(target)); // a new object has none, as on S3
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new BronzeWriteException(target.toString(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        Path target = file(key);
        Path temp = null;
        try {
            temp = writeTemp(target, bytes);
            // A hard link fails if the target exists: the local equivalent of S3's If-None-Match: *.
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new BronzeWriteException(target.toString(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    @Override
    public boolean putIfAbsent(String key, Upload upload) {
        return putIfAbsent(key, upload, Map.of());
    }

    /**
     * Streams the object into a temporary file beside the target, then links it as putIfAbsent does; its
     * metadata goes into a dot file beside it ({@link #metadataFile}) once the link is made, so only the
     * writer that won leaves its metadata. For a moment between the two the object is there without it.
     */
    @Override
    public boolean putIfAbsent(String key, Upload upload, Map<String, String> metadata) {
        Path target = file(key);
        Path temp = null;
        Path tempMetadata = null;
        try (java.io.InputStream in = upload.source().open()) {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            if (!metadata.isEmpty()) {
                tempMetadata = writeTemp(target, properties(metadata));
            }
            Files.createLink(target, temp);
            if (tempMetadata != null) {
                Files.move(tempMetadata, metadataFile(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                tempMetadata = null;
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new BronzeWriteException(target.toString(), e); // a full disk or a blocked folder, as the other writes say
        } finally {
            for (Path leftover : new Path[] {temp, tempMetadata}) {
                if (leftover != null) {
                    deleteQuietly(leftover);
                }
            }
        }
    }

    @Override
    public boolean keepsMetadata() {
        return true;
    }

    /**
     * An object's metadata: a dot file beside it ({@code .part-00042.jsonl.gz.meta}), which listings here, engines
     * (Spark, Hive and Athena skip dot files) and globs for {@code part-*} or {@code *.gz} pass over.
     */
    private static Path metadataFile(Path target) {
        return target.resolveSibling("." + target.getFileName() + METADATA_SUFFIX);
    }

    private static final String METADATA_SUFFIX = ".meta";

    private static boolean isMetadataFile(String name) {
        return name.startsWith(".") && name.endsWith(METADATA_SUFFIX);
    }

    private static byte[] properties(Map<String, String> metadata) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(metadata);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        properties.store(bytes, null);
        return bytes.toByteArray();
    }

    @Override
    public Optional<Map<String, String>> head(String key) {
        Path target = file(key);
        if (!Files.isRegularFile(target)) {
            return Optional.empty();
        }
        try (java.io.InputStream in = Files.newInputStream(metadataFile(target))) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            Map<String, String> metadata = new java.util.TreeMap<>();
            properties.stringPropertyNames().forEach(name -> metadata.put(name, properties.getProperty(name)));
            return Optional.of(Map.copyOf(metadata));
        } catch (NoSuchFileException e) {
            return Optional.of(Map.of());
        } catch (IllegalArgumentException damaged) {
            // A malformed \\uxxxx escape: a file damaged on disk. Metadata here only copies what its object says (a
            // part's summary), so it reads as none and the reader works it out from the object, rather than every
            // delivery and completion that looks at the object failing on it.
            return Optional.of(Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metadata of " + target, e);
        }
    }

    @Override
    public java.io.InputStream open(String key) {
        try {
            return Files.newInputStream(file(key));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no object at " + file(key), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file(key), e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(file(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.file.FileSystemException e) {
            if ("Not a directory".equals(e.getReason())) {
                return Optional.empty(); // a file where a folder should be: no object there; writing will say why
            }
            throw new UncheckedIOException("cannot read " + file(key), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file(key), e);
        }
    }

    @Override
    public Optional<Versioned> getVersioned(String key) {
        return get(key).map(bytes -> new Versioned(bytes, hash(bytes)));
    }

    /** A lock file beside the object serializes writers, in this process and in others. */
    @Override
    public boolean putIfVersion(String key, byte[] bytes, String version) {
        Path target = file(key);
        try {
            Files.createDirectories(target.getParent());
            Path lockFile = target.resolveSibling(".lock-" + target.getFileName());
            synchronized (LocalBronzeStore.class) {
                try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                     java.nio.channels.FileLock lock = channel.lock()) {
                    String current = Files.exists(target) ? hash(Files.readAllBytes(target)) : null;
                    if (!java.util.Objects.equals(current, version)) {
                        return false;
                    }
                    put(key, bytes);
                    return true;
                }
            }
        } catch (IOException e) {
            throw new BronzeWriteException(target.toString(), e);
        }
    }

    private static String hash(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(file(key));
    }

    /**
     * Walks the folder, skipping what vanishes mid-walk: other writers' temp files come and go all the
     * time, and a listing must not fail (and fail a chunk's delivery) because one was renamed away.
     */
    @Override
    public List<String> list(String prefix) {
        Path dir = file(prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/')) : "");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> keys = new java.util.ArrayList<>();
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes attributes) {
                    String name = p.getFileName().toString();
                    if (attributes.isRegularFile() && !name.startsWith(".tmp-") && !name.startsWith(".lock-")
                            && !isMetadataFile(name)) {
                        String key = root.relativize(p).toString().replace('\\', '/');
                        if (key.startsWith(prefix)) {
                            keys.add(key);
                        }
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(file(key));
            Files.deleteIfExists(metadataFile(file(key)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file(key), e);
        }
    }

    @Override
    public String locate(String key) {
        return file(key).toString();
    }
}

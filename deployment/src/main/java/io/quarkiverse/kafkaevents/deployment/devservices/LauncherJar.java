package io.quarkiverse.kafkaevents.deployment.devservices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes the launcher class of a dev service process (dev broker, dev PostgreSQL) into a jar of its own. The jar is
 * rewritten only when its content changes, because class data sharing archives are bound to the modification time of
 * every jar on the class path.
 */
final class LauncherJar {

    private LauncherJar() {
    }

    /**
     * @param what how messages name the service
     * @param artifact the artifact that holds the launcher class
     */
    static Path write(Path cacheDir, String mainClass, ClassLoader loader, String what, String artifact,
            String jarName) throws IOException {
        String resource = mainClass.replace('.', '/') + ".class";
        byte[] classBytes;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The " + what + " launcher class " + mainClass
                        + " is missing: is io.quarkiverse.kafkaevents:" + artifact + " on the class path?");
            }
            classBytes = in.readAllBytes();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            JarEntry entry = new JarEntry(resource);
            entry.setTime(0L);
            jar.putNextEntry(entry);
            jar.write(classBytes);
            jar.closeEntry();
        }
        Path target = cacheDir.resolve(jarName);
        byte[] content = bytes.toByteArray();
        if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), content)) {
            writeAtomically(target, content);
        }
        return target;
    }

    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

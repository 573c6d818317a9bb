import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build-time tool (not part of the distribution): copies a jar, rewriting every class file older than
 * Java 17 to class-file version 61 with stack map frames recomputed by ASM. Old class files (picocli
 * ships Java 5 ones) cannot go into JDK 25's AOT cache, so without this they are read, parsed and
 * verified by the old type-inferring verifier on every FlowSim run (docs/performance.md, "picocli as
 * Java 17 class files"). The bytecode of every method is kept as it is; only the version and the
 * frames change. Entries keep their order and times, so the output is reproducible; a text entry
 * says the classes were rewritten (the jar's licence, Apache 2.0, asks modified files to say so).
 *
 * <p>Run by the JDK's source launcher from flowsim-runtime/pom.xml:
 * {@code java -cp asm.jar:in.jar JarClassFileUpgrader.java in.jar out.jar} (the input jar is on the
 * class path so that ASM can find the common super class of two of its types when it merges frames).
 * Any failure exits non-zero and fails the build.
 */
public final class JarClassFileUpgrader {

    private static final int TARGET_VERSION = Opcodes.V17;
    private static final String NOTE = "META-INF/FLOWSIM-REWRITTEN.txt";

    private JarClassFileUpgrader() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: JarClassFileUpgrader IN.jar OUT.jar");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        int rewritten = 0;
        try (JarFile jar = new JarFile(in.toFile(), false);
             OutputStream os = Files.newOutputStream(tmp);
             JarOutputStream jos = new JarOutputStream(os)) {
            long time = 0;
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                byte[] bytes;
                try (InputStream is = jar.getInputStream(entry)) {
                    bytes = is.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")
                        && classVersion(bytes) < TARGET_VERSION) {
                    bytes = upgrade(bytes);
                    rewritten++;
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                time = Math.max(time, entry.getTime());
                jos.putNextEntry(copy);
                jos.write(bytes);
                jos.closeEntry();
            }
            JarEntry note = new JarEntry(NOTE);
            note.setTime(time);
            jos.putNextEntry(note);
            jos.write(("The class files of this jar (" + in.getFileName() + ") were rewritten by FlowSim's build"
                    + " from their original class-file version to version " + TARGET_VERSION
                    + " (Java 17), with stack map frames computed by ASM. The bytecode of every method is"
                    + " unchanged.\n").getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("JarClassFileUpgrader: " + rewritten + " class files of " + in.getFileName()
                + " rewritten to version " + TARGET_VERSION);
    }

    private static int classVersion(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] upgrade(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        // not new ClassWriter(reader, ...): that copies each method's code unchanged, without frames
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(TARGET_VERSION, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}

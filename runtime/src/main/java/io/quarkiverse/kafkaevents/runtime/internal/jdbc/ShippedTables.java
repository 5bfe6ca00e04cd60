package io.quarkiverse.kafkaevents.runtime.internal.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

/**
 * The tables the extension ships the DDL of (the outbox, the inbox): reading that DDL from the jar, cutting it into
 * statements, and checking that a table made by the application has every column.
 */
public final class ShippedTables {

    private ShippedTables() {
    }

    /** The text of a DDL resource of the extension's jar. */
    public static String ddl(String resource) {
        try (InputStream in = ShippedTables.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statements of a DDL text, without its {@code --} comments. */
    public static List<String> statements(String ddl) {
        StringBuilder code = new StringBuilder();
        for (String line : ddl.split("\n")) {
            int comment = line.indexOf("--");
            code.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
        }
        List<String> statements = new ArrayList<>();
        for (String sql : code.toString().split(";")) {
            if (!sql.isBlank()) {
                statements.add(sql.trim());
            }
        }
        return statements;
    }

    /**
     * Checks that {@code table} ({@code [schema.]name}) exists with every one of {@code columns}.
     *
     * @param what what the table is, {@code outbox} or {@code inbox}: names its {@code schema} setting too
     * @throws IllegalStateException naming the table, the missing columns and where the DDL is
     */
    public static void validate(DataSource dataSource, String table, Set<String> columns, String what,
            String resource) throws SQLException {
        Set<String> found = new TreeSet<>();
        String schema = table.contains(".") ? table.substring(0, table.indexOf('.')) : null;
        String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
        try (Connection connection = dataSource.getConnection();
                ResultSet read = connection.getMetaData().getColumns(null, schema, name.toLowerCase(), null)) {
            while (read.next()) {
                found.add(read.getString("COLUMN_NAME").toLowerCase());
            }
        }
        Set<String> missing = new TreeSet<>(columns);
        missing.removeAll(found);
        if (found.isEmpty()) {
            throw new IllegalStateException("The " + what + " table " + table + " does not exist. Create it with the DDL"
                    + " in " + resource + " (inside the quarkus-kafka-events jar), or set quarkus.kafka-events." + what
                    + ".schema=create");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The " + what + " table " + table + " lacks the columns " + missing
                    + "; compare it with the DDL in " + resource + " (inside the quarkus-kafka-events jar)");
        }
    }
}

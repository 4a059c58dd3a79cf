package org.grmodelfree.cli;

import java.nio.file.Path;

/**
 * A command that checks its flags before it does anything: no folder made, no file written, no
 * work started. {@link Main#check} runs only this, so tests can try any command line cheaply.
 */
interface Validated {
    /**
     * Throws a picocli ParameterException, naming the flag, when the flags do not make a run.
     * Reads files at most (a model to resume), never writes.
     */
    void validate();

    /** The flags among names that were given on the command line, in the order of names. */
    static java.util.List<String> given(picocli.CommandLine.Model.CommandSpec spec, java.util.List<String> names) {
        picocli.CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        return names.stream().filter(n -> pr != null && pr.hasMatchedOption(n)).toList();
    }

    /**
     * The usage message for resuming the run in model with flags (given, each setting the
     * configuration keys keysOf names) whose values (want) differ from the file's (file), or null
     * when none does. A flag that sets no single key (a recipe such as --paper) always differs.
     */
    static String resumeConflict(Path model, java.util.List<String> given,
                                 java.util.function.Function<String, java.util.List<String>> keysOf,
                                 java.util.Map<String, Object> want, java.util.Map<String, Object> file,
                                 String applies) {
        java.util.List<String> changing = new java.util.ArrayList<>();
        StringBuilder values = new StringBuilder();
        for (String flag : given) {
            java.util.List<String> keys = keysOf.apply(flag);
            boolean differs = keys.isEmpty();
            for (String key : keys) {
                if (!String.valueOf(file.get(key)).equals(String.valueOf(want.get(key)))) {
                    differs = true;
                    values.append(values.length() == 0 ? "" : ", ").append(key).append(' ').append(file.get(key));
                }
            }
            if (differs) {
                changing.add(flag);
            }
        }
        if (changing.isEmpty()) {
            return null;
        }
        return "--resume continues " + model + " with the configuration it was trained with; "
                + String.join(", ", changing) + " would change it"
                + (values.length() == 0 ? "" : " (the file's " + values + ")") + ": leave "
                + (changing.size() == 1 ? "it" : "them") + " out (only " + applies + " applies), or train into a new"
                + " --out";
    }

    /**
     * The flags behind a configuration message, e.g. "--batch-rx, --batch-tx: " for "batch sizes
     * must be positive": rows of table are a wording (lower case) and the flags that set it; of
     * those, the ones given on the command line, else all. "" when no wording matches.
     */
    static String flagsOf(picocli.CommandLine.Model.CommandSpec spec, String message, String[][] table) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        java.util.List<String> flags = new java.util.ArrayList<>();
        for (String[] row : table) {
            if (m.contains(row[0])) {
                java.util.List<String> named = java.util.List.of(row).subList(1, row.length);
                java.util.List<String> typed = given(spec, named);
                for (String f : typed.isEmpty() ? named : typed) {
                    if (!flags.contains(f)) {
                        flags.add(f);
                    }
                }
            }
        }
        return flags.isEmpty() ? "" : String.join(", ", flags) + ": ";
    }
}

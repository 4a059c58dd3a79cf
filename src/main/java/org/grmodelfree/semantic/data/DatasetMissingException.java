package org.grmodelfree.semantic.data;

/**
 * A data set whose package is not installed. The message says where it was looked for and the
 * one command that installs it; {@link #installCommand()} is that command.
 */
public final class DatasetMissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String installCommand;

    public DatasetMissingException(String message, String installCommand) {
        super(message);
        this.installCommand = installCommand;
    }

    /** The shell command that installs the missing package. */
    public String installCommand() {
        return installCommand;
    }
}

package dev.fetchfleet.local;

/**
 * What a local run prints on stderr while it goes: lines for a person (TEXT), nothing but what went
 * wrong (QUIET), or one JSON object per line for a program (JSON). stdout always ends with the JSON summary.
 */
enum TerminalMode {
    TEXT, QUIET, JSON;

    static TerminalMode of(boolean quiet, boolean json) {
        return quiet ? QUIET : json ? JSON : TEXT;
    }
}

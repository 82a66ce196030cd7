package dev.tessera.cli;

import picocli.CommandLine.Command;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the learned decoder on a directory of images; writes a checkpoint.")
final class TrainCommand extends PendingCommand {}

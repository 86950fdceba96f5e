"""FuseMax's global buffer as the example scripts sweep it: its energy per line access follows its
capacity as configs/arch/fusemax_cloud.pbtxt's does (20 nJ per line at 32 MiB, scaled with the square
root of capacity: docs/fusemax-model.md Sec. 6.4), and the config paths of those energies."""
import math

MIB = 1 << 20


def line_energy_pj(capacity_bytes):
    return 20000 * math.sqrt(capacity_bytes / (32 * MIB))


def energy_fields(arch):
    """The dotted paths of the global buffer's read and write energies in the merged config (arch.text)."""
    paths, index, component = {}, -1, None
    for line in arch.text.splitlines():
        line = line.strip()
        if line == "energy {":
            index += 1
        elif line.startswith("component:"):
            component = line.split('"')[1]
        elif line.startswith("action:") and component == "global_buffer":
            paths[line.split('"')[1]] = f"energy[{index}].picojoules"
    return paths["read"], paths["write"]

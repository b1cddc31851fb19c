// The machine a bench ran on, written beside its numbers: these machines are not all the same CPU,
// and a ratio measured on one can flip on another.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';

/**
 * The CPU model (lscpu's, else the kernel's), its vendor (GenuineIntel, AuthenticAMD: MKL, and
 * so PyTorch's float32 GEMM, is much faster on Intel), logical CPUs, and its AVX-512 / AVX2 /
 * FMA flags, AMX (bf16/int8 tiles; neither side's float32 training uses them by default), family
 * and model.
 */
export function cpuInfo() {
  let model = cpus()[0]?.model ?? 'unknown';
  let vendor = 'unknown';
  let flags = [];
  let family;
  let cpuModel;
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? model;
    vendor = /Vendor ID:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? vendor;
    flags = (/Flags:\s*(.+)/.exec(lscpu)?.[1] ?? '').split(/\s+/);
    // A virtual machine's model name is often generic ("Intel(R) Xeon(R) Processor"): the
    // family and model numbers tell generations apart.
    family = Number(/CPU family:\s*(\d+)/.exec(lscpu)?.[1]) || undefined;
    cpuModel = Number(/^Model:\s*(\d+)/m.exec(lscpu)?.[1]) || undefined;
  } catch {
    // No lscpu: the model from os.cpus() and no flags.
  }
  const has = (f) => flags.includes(f);
  return {
    model,
    vendor,
    cpus: availableParallelism(),
    avx2: has('avx2'),
    fma: has('fma'),
    avx512: ['avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16'].filter(has),
    amx: ['amx_tile', 'amx_bf16', 'amx_int8', 'amx_fp16'].filter(has),
    family,
    cpuModel,
  };
}

import { buildDemo, DEMO_CONFIG } from "../../demo/build";
import { EXIT, type Output } from "../io";

/** `custodian demo [--force]`: builds the demo databases beside demo/custodian.config.yaml. */
export async function demoCommand(out: Output, force: boolean): Promise<number> {
  const { dir, built } = await buildDemo({ force, log: out.progress });
  out.result({ dir, built, config: DEMO_CONFIG }, () =>
    [
      built.length ? `Built ${built.join(", ")} in ${dir}` : `The demo databases already exist in ${dir} (use --force to rebuild them)`,
      `Try: npx custodian scan --config demo/custodian.config.yaml`,
    ].join("\n"),
  );
  return EXIT.ok;
}

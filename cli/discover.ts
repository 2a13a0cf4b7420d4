export async function discoverCommand(): Promise<number> { return 1; }

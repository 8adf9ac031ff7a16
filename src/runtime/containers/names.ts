/** Container IDs (64 random hex) and Docker-style generated names (`brave_turing`). */
import { randomBytes, randomInt } from 'node:crypto';

const ADJECTIVES = [
  'agile', 'bold', 'brave', 'calm', 'clever', 'cosmic', 'crisp', 'daring', 'eager', 'fervent', 'gentle', 'happy', 'keen',
  'lucid', 'mellow', 'nimble', 'quiet', 'rapid', 'serene', 'sharp', 'steady', 'swift', 'tender', 'vivid', 'witty', 'zealous',
];
const NOUNS = [
  'anvil', 'beacon', 'cinder', 'comet', 'ember', 'falcon', 'forge', 'glacier', 'harbor', 'hammer', 'lantern', 'meteor',
  'nebula', 'orbit', 'pioneer', 'quasar', 'rocket', 'sparrow', 'summit', 'tinker', 'turing', 'lovelace', 'hopper', 'ritchie',
];

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NOUNS[randomInt(NOUNS.length)]}${attempt > 10 ? randomInt(100) : ''}`;
    if (!taken(name)) return name;
  }
  return `forgeone_${randomBytes(4).toString('hex')}`;
}

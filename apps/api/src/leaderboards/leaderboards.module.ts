import { Module } from '@nestjs/common';
import { LeaderboardsResolver } from './leaderboards.resolver';
import { LeaderboardsService } from './leaderboards.service';

@Module({ providers: [LeaderboardsResolver, LeaderboardsService] })
export class LeaderboardsModule {}

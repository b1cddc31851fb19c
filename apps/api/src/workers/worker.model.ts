import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { WorkerStatus as Status } from '@headroom/sweep';
import { WorkerStatus } from '../common/enums';

@ObjectType('Worker', {
  description:
    'A train worker as it announced itself (through Temporal; workers hold no database credentials).',
})
export class Worker {
  @Field(() => ID, { description: 'Temporal worker identity, train@host/pid.' })
  id!: string;

  @Field(() => String, { description: 'The pool whose task queue it polls.' })
  pool!: string;

  @Field(() => String)
  host!: string;

  @Field(() => Int)
  pid!: number;

  @Field(() => String, {
    description: 'TensorFlow.js backend: tensorflow-gpu, tensorflow, wasm or cpu.',
  })
  backend!: string;

  @Field(() => String)
  device!: string;

  @Field(() => Int, { description: 'Trials it trains at once.' })
  slots!: number;

  @Field(() => WorkerStatus, { description: 'As last reported.' })
  status!: Status;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, {
    description: 'Its last liveness report; a worker silent for minutes is gone.',
  })
  lastSeenAt!: Date;
}

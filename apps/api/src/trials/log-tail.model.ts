import { Field, Float, ObjectType } from '@nestjs/graphql';

@ObjectType('LogTail', { description: "A piece of a program trial's log." })
export class LogTail {
  @Field(() => String, { description: 'Whole lines, each ending in a newline.' })
  text!: string;

  @Field(() => Float, {
    description: 'The byte offset just past `text`: pass it as `after` to read what comes next.',
  })
  end!: number;
}
